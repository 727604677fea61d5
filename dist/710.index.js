export const id = 710;
export const ids = [710];
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

/***/ 60710:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  deleteRemoteCopies: () => (/* binding */ deleteRemoteCopies),
  downloadRemoteBundles: () => (/* binding */ downloadRemoteBundles)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@actions/artifact/lib/artifact.js + 83 modules
var lib_artifact = __webpack_require__(56518);
// EXTERNAL MODULE: ./node_modules/@actions/cache/lib/cache.js + 91 modules
var cache = __webpack_require__(63872);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./src/bundle/manifest.ts
var manifest = __webpack_require__(9075);
// EXTERNAL MODULE: ./src/github/bundle-names.ts
var bundle_names = __webpack_require__(65494);
// EXTERNAL MODULE: ./src/github/heartbeat.ts
var heartbeat = __webpack_require__(12215);
;// CONCATENATED MODULE: ./src/github/move-directory.ts

/**
 * Moves a directory; across file systems, where rename fails with EXDEV,
 * it copies and then removes the source.
 */
async function moveDirectory(from, to) {
    try {
        await (0,promises_.rename)(from, to);
    }
    catch (error) {
        if (error.code !== 'EXDEV')
            throw error;
        await (0,promises_.cp)(from, to, { recursive: true, verbatimSymlinks: true });
        await (0,promises_.rm)(from, { recursive: true, force: true });
    }
}

// EXTERNAL MODULE: ./src/text/plural.ts
var plural = __webpack_require__(80573);
;// CONCATENATED MODULE: ./src/github/remote-bundles.ts










/**
 * Downloads the bundles stored in this repository's cache entries and in
 * artifacts of earlier runs into the bundle directory, where the sync
 * verifies and replays them like local ones. A bundle already there is
 * not downloaded again. Returns the remote copies by bundle id, so each
 * can be deleted once its bundle is registered.
 */
async function downloadRemoteBundles(storage, directory, modelName, log) {
    const copies = new Map();
    const repository = repositoryClient(storage, log);
    if (!repository)
        return copies;
    await (0,promises_.mkdir)(directory, { recursive: true });
    const copyOf = (bundleId) => {
        const existing = copies.get(bundleId) ?? {};
        copies.set(bundleId, existing);
        return existing;
    };
    const prefix = (0,bundle_names/* bundleCachePrefix */.LH)(storage.repository, modelName);
    for (const key of await listCacheKeys(repository, prefix, log)) {
        const bundleId = (0,bundle_names/* bundleIdOfCacheKey */.ms)(key);
        if (!manifest/* bundleIdSchema */.Br.safeParse(bundleId).success)
            continue;
        const restored = await restoreBundle(storage, directory, bundleId, key, log);
        if (restored)
            copyOf(bundleId).cacheKey = key;
    }
    for (const artifact of await listBundleArtifacts(repository, log)) {
        const downloaded = await downloadBundle(storage, repository, directory, artifact, log);
        if (downloaded)
            copyOf(artifact.bundleId).artifactId = artifact.id;
    }
    return copies;
}
/**
 * Deletes the cache entry and the artifact of a registered bundle. A
 * failure is a warning: a copy left behind syncs as already registered.
 */
async function deleteRemoteCopies(storage, bundleId, copies, log) {
    const repository = repositoryClient(storage, log);
    if (!repository)
        return;
    const { octokit, owner, repo } = repository;
    try {
        if (copies.cacheKey) {
            await octokit.rest.actions.deleteActionsCacheByKey({
                owner,
                repo,
                key: copies.cacheKey
            });
            log.info(`Deleted cache entry ${copies.cacheKey}`);
        }
        if (copies.artifactId !== undefined) {
            await octokit.rest.actions.deleteArtifact({
                owner,
                repo,
                artifact_id: copies.artifactId
            });
            log.info(`Deleted artifact ${copies.artifactId} of bundle ${bundleId}`);
        }
    }
    catch (error) {
        log.warning(`Deleting the stored copies of bundle ${bundleId} failed: ` +
            `${messageOf(error)}. A later sync finds it already registered.`, { title: 'Bundle copies not deleted' });
    }
}
function repositoryClient(storage, log) {
    const [owner, repo] = storage.repository.split('/');
    if (!storage.token || !owner || !repo) {
        log.info('No github-token: bundles in cache entries and artifacts of earlier ' +
            'runs are not searched.');
        return undefined;
    }
    return { octokit: (0,github/* getOctokit */.Q)(storage.token), owner, repo };
}
async function listCacheKeys({ octokit, owner, repo }, prefix, log) {
    try {
        const caches = await octokit.paginate(octokit.rest.actions.getActionsCacheList, { owner, repo, key: prefix, per_page: 100 });
        const keys = caches
            .map(cache => cache.key ?? '')
            .filter(key => key.startsWith(prefix));
        log.info(`Found ${(0,plural/* countOf */.p)(keys.length, 'cache entry', 'cache entries')} ` +
            `with key prefix ${prefix}`);
        return [...new Set(keys)];
    }
    catch (error) {
        log.warning(`Listing cache entries failed: ${messageOf(error)}. The job needs ` +
            '`actions: read` permission.', { title: 'Cache entries not searched' });
        return [];
    }
}
async function restoreBundle(storage, directory, bundleId, key, log) {
    const target = external_node_path_default().join(directory, bundleId);
    if (await exists(target))
        return true;
    const transfer = external_node_path_default().join(storage.workspace, bundle_names/* CACHE_TRANSFER_DIR */.bf);
    try {
        await (0,promises_.rm)(transfer, { recursive: true, force: true });
        const matched = await (0,heartbeat/* withHeartbeat */.p)(`Cache entry ${key}`, log, () => (0,cache/* restoreCache */.P3)([bundle_names/* CACHE_TRANSFER_DIR */.bf], key));
        if (matched !== key) {
            log.warning(`Cache entry ${key} could not be restored`, {
                title: 'Bundle not restored'
            });
            return false;
        }
        await moveDirectory(external_node_path_default().join(transfer, bundleId), target);
        log.info(`Restored bundle ${bundleId} from cache entry ${key}`);
        return true;
    }
    catch (error) {
        log.warning(`Restoring cache entry ${key} failed: ${messageOf(error)}`, {
            title: 'Bundle not restored'
        });
        return false;
    }
    finally {
        await (0,promises_.rm)(transfer, { recursive: true, force: true });
    }
}
async function listBundleArtifacts({ octokit, owner, repo }, log) {
    try {
        const artifacts = await octokit.paginate(octokit.rest.actions.listArtifactsForRepo, { owner, repo, per_page: 100 });
        const bundles = artifacts.flatMap(artifact => {
            const bundleId = (0,bundle_names/* bundleIdOfArtifact */.zI)(artifact.name);
            const runId = artifact.workflow_run?.id;
            const usable = bundleId !== undefined &&
                manifest/* bundleIdSchema */.Br.safeParse(bundleId).success &&
                !artifact.expired &&
                runId !== undefined;
            return usable
                ? [{ id: artifact.id, name: artifact.name, bundleId, runId }]
                : [];
        });
        log.info(`Found ${(0,plural/* countOf */.p)(bundles.length, 'bundle artifact')} of earlier runs`);
        return bundles;
    }
    catch (error) {
        log.warning(`Listing artifacts failed: ${messageOf(error)}. The job needs ` +
            '`actions: read` permission.', { title: 'Artifacts not searched' });
        return [];
    }
}
async function downloadBundle(storage, repository, directory, artifact, log) {
    const target = external_node_path_default().join(directory, artifact.bundleId);
    if (await exists(target))
        return true;
    const staging = external_node_path_default().join(directory, `.download-${artifact.bundleId}`);
    try {
        await (0,promises_.rm)(staging, { recursive: true, force: true });
        await (0,heartbeat/* withHeartbeat */.p)(`Artifact ${artifact.name}`, log, () => new lib_artifact/* DefaultArtifactClient */.t9().downloadArtifact(artifact.id, {
            path: staging,
            findBy: {
                token: storage.token ?? '',
                workflowRunId: artifact.runId,
                repositoryOwner: repository.owner,
                repositoryName: repository.repo
            }
        }));
        await moveDirectory(staging, target);
        log.info(`Downloaded bundle ${artifact.bundleId} from ${artifact.name}`);
        return true;
    }
    catch (error) {
        log.warning(`Downloading artifact ${artifact.name} failed: ${messageOf(error)}`, { title: 'Bundle not downloaded' });
        return false;
    }
    finally {
        await (0,promises_.rm)(staging, { recursive: true, force: true });
    }
}
async function exists(file) {
    return (0,promises_.access)(file).then(() => true, () => false);
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}


/***/ })

};
