export const id = 35;
export const ids = [35];
export const modules = {

/***/ 96035:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   verifySigstoreBundle: () => (/* binding */ verifySigstoreBundle)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _sigstore_bundle__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(61040);
/* harmony import */ var _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(19654);
/* harmony import */ var _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(_sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _sigstore_verify__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(54187);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(92857);
/* harmony import */ var _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(62196);
/* harmony import */ var _statement_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(74158);
/**
 * Verification of a keyless Sigstore bundle over an in-toto statement:
 * the certificate chains to the trusted root's Fulcio, Rekor witnessed
 * the signature, the envelope signs exactly this statement, and the
 * certificate names the expected identity and OIDC issuer.
 */







const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot';
/** The parts of a trusted root that show it is one, checked up front. */
const trustedRootSchema = zod__WEBPACK_IMPORTED_MODULE_6__/* .looseObject */ ._H3({
    mediaType: zod__WEBPACK_IMPORTED_MODULE_6__/* .string */ .YjP().startsWith(TRUSTED_ROOT_MEDIA_TYPE),
    certificateAuthorities: zod__WEBPACK_IMPORTED_MODULE_6__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_6__/* .unknown */ .L5J()).min(1),
    tlogs: zod__WEBPACK_IMPORTED_MODULE_6__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_6__/* .unknown */ .L5J()).optional()
});
/**
 * Verifies a Sigstore bundle over `statement` and returns its signer.
 * Each failure is a DiagnosedError: `SIGNATURE_INVALID` for anything the
 * cryptography or the bundle's form rejects, `SIGNER_IDENTITY_MISMATCH`
 * and `SIGNER_ISSUER_MISMATCH` for a valid signature by someone else.
 */
function verifySigstoreBundle(bundle, statement, expected, options = {}) {
    const verifier = new _sigstore_verify__WEBPACK_IMPORTED_MODULE_3__/* .Verifier */ .BL(readTrustMaterial(options));
    const parsed = parseBundle(bundle);
    checkCoversStatement(parsed, statement);
    let signer;
    try {
        signer = verifier.verify((0,_sigstore_verify__WEBPACK_IMPORTED_MODULE_3__/* .toSignedEntity */ .DC)(parsed));
    }
    catch (error) {
        throw invalidSignature(describeFailure(error), {
            cause: error,
            trustChain: isTrustChainFailure(error)
        });
    }
    return checkSigner(signer, expected);
}
/**
 * Reads and checks the trusted root.
 *
 * NOTE: Sigstore clients normally fetch the public-good trusted root from
 * Sigstore's TUF repository. This module does not, because runners that
 * register models may be offline, so a trusted root must always be given.
 */
function loadTrustedRoot(options) {
    const path = options.trustedRootPath ?? '';
    const source = options.trustedRoot === undefined ? path : 'the given JSON';
    const json = options.trustedRoot === undefined
        ? readTrustedRootFile(path)
        : options.trustedRoot;
    const result = trustedRootSchema.safeParse(json);
    if (!result.success) {
        throw (0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .configError */ .Fj)('input `sigstore-trusted-root`', `expected a Sigstore trusted root (media type ` +
            `${TRUSTED_ROOT_MEDIA_TYPE}, at least one certificate authority) ` +
            `in ${source}`, 'Set `sigstore-trusted-root` to the trusted_root.json of the ' +
            'Sigstore instance that signed.');
    }
    return _sigstore_protobuf_specs__WEBPACK_IMPORTED_MODULE_2__.TrustedRoot.fromJSON(result.data);
}
function readTrustMaterial(options) {
    const trustedRoot = loadTrustedRoot(options);
    try {
        return (0,_sigstore_verify__WEBPACK_IMPORTED_MODULE_3__/* .toTrustMaterial */ .jO)(trustedRoot);
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw (0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .configError */ .Fj)('input `sigstore-trusted-root`', `the trusted root's certificates or keys are invalid: ${reason}`, 'Give the trusted_root.json of the Sigstore instance that signed.');
    }
}
function readTrustedRootFile(path) {
    if (path === '') {
        throw (0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .configError */ .Fj)('input `sigstore-trusted-root`', 'no Sigstore trusted root was given, and it is not fetched from ' +
            "Sigstore's TUF repository because the runner may be offline", 'Give the path of a trusted_root.json, such as the one ' +
            '`sigstore-python` or `cosign` stores after a TUF update.');
    }
    try {
        return JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(path, 'utf8'));
    }
    catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw (0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .configError */ .Fj)('input `sigstore-trusted-root`', `expected a JSON trusted root at ${path}, but reading it failed: ` +
            reason, 'Give the path of a readable trusted_root.json.');
    }
}
function parseBundle(bundle) {
    try {
        return (0,_sigstore_bundle__WEBPACK_IMPORTED_MODULE_1__.bundleFromJSON)(bundle);
    }
    catch (error) {
        throw invalidSignature(`the signature is not a valid Sigstore bundle: ${describeFailure(error)}`, { cause: error });
    }
}
/**
 * Checks that the envelope carries exactly this statement. Sigstore's
 * verifier checks the envelope's signature over its own payload only.
 */
function checkCoversStatement(bundle, statement) {
    if (!(0,_sigstore_bundle__WEBPACK_IMPORTED_MODULE_1__.isBundleWithDsseEnvelope)(bundle)) {
        throw invalidSignature('the bundle contains a message signature, not a DSSE envelope');
    }
    const envelope = bundle.content.dsseEnvelope;
    if (envelope.payloadType !== _statement_js__WEBPACK_IMPORTED_MODULE_5__/* .IN_TOTO_PAYLOAD_TYPE */ .T4) {
        throw invalidSignature(`the envelope's payload type is ${JSON.stringify(envelope.payloadType)}` +
            `, expected ${_statement_js__WEBPACK_IMPORTED_MODULE_5__/* .IN_TOTO_PAYLOAD_TYPE */ .T4}`);
    }
    if (!envelope.payload.equals(statement)) {
        throw invalidSignature('the envelope signs another statement than the one given');
    }
}
function checkSigner(signer, expected) {
    const identity = signer.identity?.subjectAlternativeName ?? '';
    const issuer = signer.identity?.extensions?.issuer ?? '';
    if (identity !== expected.identity) {
        throw new _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .DiagnosedError */ .xB((0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .diagnose */ .h4)('SIGNER_IDENTITY_MISMATCH', `The certificate names the identity ${JSON.stringify(identity)}, ` +
            `but ${JSON.stringify(expected.identity)} was expected.`, 'If the signer is legitimate (such as a renamed workflow), update ' +
            'the expected identity; otherwise do not trust the model.'));
    }
    if (issuer !== expected.issuer) {
        throw new _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .DiagnosedError */ .xB((0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .diagnose */ .h4)('SIGNER_ISSUER_MISMATCH', `The certificate's identity was issued by ${JSON.stringify(issuer)}` +
            `, but ${JSON.stringify(expected.issuer)} was expected.`, 'Expect the issuer of the signing job, such as ' +
            'https://token.actions.githubusercontent.com for GitHub Actions; ' +
            'an identity from another issuer is not the same signer.'));
    }
    return { identity, issuer };
}
function invalidSignature(detail, options) {
    const fix = options?.trustChain
        ? 'Check `sigstore-trusted-root` first: it must be current (its ' +
            'certificate authority and log keys valid at the signing time) and ' +
            'belong to the Sigstore instance that signed. If it is, do not ' +
            'trust the model.'
        : 'Do not trust the model. Sign it again from the original files; if ' +
            'the signature is new, check that the trusted root is for the ' +
            'Sigstore instance that signed it.';
    return new _diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .DiagnosedError */ .xB((0,_diagnosis_diagnosis_js__WEBPACK_IMPORTED_MODULE_4__/* .diagnose */ .h4)('SIGNATURE_INVALID', `The Sigstore bundle does not verify: ${detail}.`, fix), options);
}
/**
 * Tells whether @sigstore/verify failed on the chain to the trusted root
 * (the certificate chain, a log entry or a timestamp). An outdated or
 * foreign trusted root causes these failures too, not only a forgery.
 */
function isTrustChainFailure(error) {
    if (!(error instanceof _sigstore_verify__WEBPACK_IMPORTED_MODULE_3__/* .VerificationError */ .mk))
        return false;
    return /^(CERTIFICATE_ERROR|TLOG_|TIMESTAMP_)/.test(error.code);
}
/** Names what failed, with @sigstore/verify's error code when it has one. */
function describeFailure(error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof _sigstore_verify__WEBPACK_IMPORTED_MODULE_3__/* .VerificationError */ .mk)
        return `${error.code}: ${message}`;
    return message;
}


/***/ })

};
