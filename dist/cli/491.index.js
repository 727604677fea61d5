export const id = 491;
export const ids = [491];
export const modules = {

/***/ 56491:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   signWithSigstore: () => (/* binding */ signWithSigstore)
/* harmony export */ });
/* unused harmony export SIGSTORE_AUDIENCE */
/* harmony import */ var _sigstore_bundle__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(61040);
/* harmony import */ var _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(15179);
/* harmony import */ var _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(62196);
/* harmony import */ var _sigstore_urls_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(16320);
/* harmony import */ var _statement_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(74158);
/**
 * Keyless signing with Sigstore: Fulcio issues a short-lived certificate
 * for the job's GitHub ID token, the statement is signed into a DSSE
 * envelope, and Rekor (and optionally a timestamp authority) witnesses
 * the signature.
 */





/** The audience Fulcio requires in the ID token. */
const SIGSTORE_AUDIENCE = 'sigstore';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
/**
 * Signs an in-toto statement keylessly and returns the Sigstore bundle
 * (media type v0.3, one leaf certificate, a DSSE envelope and a Rekor
 * `dsse` entry), in the JSON form that model-signing writes.
 *
 * NOTE: Fulcio, Rekor and the TSA are called through @sigstore/sign's own
 * HTTP client, not the project's: the `ca-cert` and proxy inputs do not
 * apply to them. That client reads HTTPS_PROXY and NO_PROXY when it
 * loads, and Node reads extra CA certificates from NODE_EXTRA_CA_CERTS
 * when it starts.
 */
async function signWithSigstore(statement, options) {
    const idToken = await options.requestIdToken(SIGSTORE_AUDIENCE);
    options.setSecret(idToken);
    const urls = serviceUrls(options);
    const builder = new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .DSSEBundleBuilder */ .VV({
        signer: new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .FulcioSigner */ .$o({
            identityProvider: { getToken: () => Promise.resolve(idToken) },
            fulcioBaseURL: urls.fulcio,
            ...fetchOptions(options)
        }),
        witnesses: witnesses(urls, options),
        // A single leaf certificate makes the builder write a v0.3 bundle.
        certificateChain: false
    });
    try {
        const bundle = await builder.create({
            data: statement,
            type: _statement_js__WEBPACK_IMPORTED_MODULE_3__/* .IN_TOTO_PAYLOAD_TYPE */ .T4
        });
        return (0,_sigstore_bundle__WEBPACK_IMPORTED_MODULE_0__.bundleToJSON)(bundle);
    }
    catch (error) {
        throw signingError(error, urls);
    }
}
function serviceUrls(options) {
    return {
        fulcio: options.fulcioUrl ?? _sigstore_urls_js__WEBPACK_IMPORTED_MODULE_4__/* .PUBLIC_GOOD_FULCIO_URL */ .X,
        rekor: options.rekorUrl ?? _sigstore_urls_js__WEBPACK_IMPORTED_MODULE_4__/* .PUBLIC_GOOD_REKOR_URL */ .Y,
        ...(options.tsaUrl === undefined ? {} : { tsa: options.tsaUrl })
    };
}
function fetchOptions(options) {
    return {
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retry: { retries: options.retries ?? DEFAULT_RETRIES }
    };
}
function witnesses(urls, options) {
    const list = [
        new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .RekorWitness */ .fU({
            rekorBaseURL: urls.rekor,
            // A re-run signs the same envelope again; Rekor then returns 409
            // and the existing entry is fetched instead.
            fetchOnConflict: true,
            ...fetchOptions(options)
        })
    ];
    if (urls.tsa !== undefined) {
        list.push(new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .TSAWitness */ .gs({ tsaBaseURL: urls.tsa, ...fetchOptions(options) }));
    }
    return list;
}
/** Names the Sigstore service that failed, from @sigstore/sign's code. */
function failedService(code, urls) {
    switch (code) {
        case 'CA_CREATE_SIGNING_CERTIFICATE_ERROR':
            return `Fulcio at ${urls.fulcio}`;
        case 'TLOG_CREATE_ENTRY_ERROR':
        case 'TLOG_FETCH_ENTRY_ERROR':
            return `Rekor at ${urls.rekor}`;
        case 'TSA_CREATE_TIMESTAMP_ERROR':
            return `the timestamp authority at ${urls.tsa ?? ''}`;
        default:
            return 'Sigstore';
    }
}
function signingError(error, urls) {
    const code = error instanceof _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .InternalError */ .Gd ? error.code : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return new _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_2__/* .DiagnosedError */ .xB((0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_2__/* .diagnose */ .h4)('SIGSTORE_SIGNING_FAILED', `Signing the statement failed at ${failedService(code, urls)}: ` +
        `${message.trim()}.`, 'Check that the Sigstore URLs are right and reachable from the ' +
        'runner, and that Fulcio accepts ID tokens from this issuer; ' +
        'then run the job again.'), { cause: error });
}


/***/ })

};
