export const id = 935;
export const ids = [935];
export const modules = {

/***/ 12215:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   p: () => (/* binding */ withHeartbeat)
/* harmony export */ });
/** Seconds between "still running" lines of a long transfer. */
const HEARTBEAT_SECONDS = 30;
/**
 * Runs a long operation and logs a line every 30 seconds until it
 * settles, so a slow upload or download shows that it is progressing.
 */
async function withHeartbeat(label, log, operation) {
    const started = Date.now();
    const timer = setInterval(() => {
        const seconds = Math.round((Date.now() - started) / 1000);
        log.info(`${label}: still running after ${seconds} s`);
    }, HEARTBEAT_SECONDS * 1000);
    try {
        return await operation();
    }
    finally {
        clearInterval(timer);
    }
}


/***/ }),

/***/ 16935:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   uploadBundle: () => (/* binding */ uploadBundle)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _actions_artifact__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(56518);
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(63872);
/* harmony import */ var _bundle_names_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(65494);
/* harmony import */ var _heartbeat_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(12215);






/**
 * Uploads a bundle as a workflow artifact and saves it to the Actions
 * cache. Either store may fail: that is a warning naming the local copy,
 * never a lost registration.
 */
async function uploadBundle(bundle, storage, log) {
    const artifact = await uploadArtifact(bundle, log);
    const cacheKey = await saveToCache(bundle, storage, log);
    if (!artifact || !cacheKey) {
        log.warning(`The registry bundle is still at ${bundle.path}, which the runner ` +
            'deletes when the job ends unless `bundle-dir` is kept. Upload it ' +
            'in a later step (actions/upload-artifact) to keep it.', { title: 'Registry bundle not stored on GitHub' });
    }
    return {
        ...(artifact ? { artifact } : {}),
        ...(cacheKey ? { cacheKey } : {})
    };
}
async function uploadArtifact(bundle, log) {
    const name = (0,_bundle_names_js__WEBPACK_IMPORTED_MODULE_4__/* .bundleArtifactName */ .GC)(bundle.manifest.bundleId);
    const files = await listFiles(bundle.path);
    log.info(`Uploading the bundle as artifact ${name} (${files.length} files)`);
    try {
        const client = new _actions_artifact__WEBPACK_IMPORTED_MODULE_2__/* .DefaultArtifactClient */ .t9();
        const uploaded = await (0,_heartbeat_js__WEBPACK_IMPORTED_MODULE_5__/* .withHeartbeat */ .p)(`Artifact ${name}`, log, () => client.uploadArtifact(name, files, bundle.path));
        log.info(`Uploaded artifact ${name} (id ${uploaded.id ?? '?'}, ` +
            `${uploaded.size ?? 0} bytes)`);
        return name;
    }
    catch (error) {
        log.warning(`Uploading artifact ${name} failed: ${messageOf(error)}`, {
            title: 'Bundle artifact not uploaded'
        });
        return undefined;
    }
}
async function saveToCache(bundle, storage, log) {
    const { manifest } = bundle;
    const key = (0,_bundle_names_js__WEBPACK_IMPORTED_MODULE_4__/* .bundleCacheKey */ .Q$)(storage.repository, manifest.registration.modelName, manifest.bundleId);
    const transfer = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(storage.workspace, _bundle_names_js__WEBPACK_IMPORTED_MODULE_4__/* .CACHE_TRANSFER_DIR */ .bf);
    log.info(`Saving the bundle to the Actions cache under key ${key}`);
    try {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(transfer, { recursive: true, force: true });
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.cp)(bundle.path, node_path__WEBPACK_IMPORTED_MODULE_1___default().join(transfer, manifest.bundleId), {
            recursive: true,
            verbatimSymlinks: true
        });
        // saveCache reports most failures as warnings and returns -1.
        const id = await (0,_heartbeat_js__WEBPACK_IMPORTED_MODULE_5__/* .withHeartbeat */ .p)(`Cache entry ${key}`, log, () => (0,_actions_cache__WEBPACK_IMPORTED_MODULE_3__/* .saveCache */ .Io)([_bundle_names_js__WEBPACK_IMPORTED_MODULE_4__/* .CACHE_TRANSFER_DIR */ .bf], key));
        if (id === -1)
            throw new Error('the cache service did not save it');
        log.info(`Saved cache entry ${key} (id ${id})`);
        return key;
    }
    catch (error) {
        log.warning(`Saving cache entry ${key} failed: ${messageOf(error)}`, {
            title: 'Bundle not saved to the cache'
        });
        return undefined;
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(transfer, { recursive: true, force: true });
    }
}
async function listFiles(root) {
    const entries = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readdir)(root, { recursive: true, withFileTypes: true });
    return entries
        .filter(entry => entry.isFile())
        .map(entry => node_path__WEBPACK_IMPORTED_MODULE_1___default().join(entry.parentPath, entry.name));
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}


/***/ })

};
