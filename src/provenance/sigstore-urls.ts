/** Sigstore's public-good certificate authority. */
export const PUBLIC_GOOD_FULCIO_URL = 'https://fulcio.sigstore.dev'

/** Sigstore's public-good transparency log. */
export const PUBLIC_GOOD_REKOR_URL = 'https://rekor.sigstore.dev'
