import { z } from 'zod'

import { messageResponse } from '../exchange.js'
import { paginate } from '../pagination.js'
import { intLike, optionalString, parseParams } from '../params.js'
import { matchesFilter, parseFilter } from '../search-filter.js'
import type { Route, RouteContext } from '../state.js'
import type { RunRecord } from '../store/tracking.js'
import { runJson } from './tracking-json.js'

/**
 * Searches runs by attribute and tag. Like MLflow 3.17.2, a user sees
 * only runs of experiments they may read, and the default page contains
 * up to 1000 runs. Runs come in creation order, because the fake does not
 * support `order_by`.
 */
function searchRuns(context: RouteContext) {
  const params = parseParams(context.request, {
    experiment_ids: z.array(z.string()).optional(),
    filter: optionalString,
    max_results: intLike(50_000),
    page_token: optionalString
  })
  const clauses = parseFilter(params.filter, ['run_id', 'run_name', 'status'])
  const readable = (params.experiment_ids ?? []).filter(
    id => context.access.experiment(id).canRead
  )
  const matching = context.state.tracking
    .listRuns(readable)
    .filter(run =>
      matchesFilter(clauses, (type, key) => runField(run, type, key))
    )
  const page = paginate(matching, params.max_results ?? 1000, params.page_token)
  return messageResponse({
    ...(page.items.length > 0
      ? { runs: page.items.map(run => runJson(run, true)) }
      : {}),
    ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {})
  })
}

function runField(
  run: RunRecord,
  type: 'attribute' | 'tag',
  key: string
): string | undefined {
  if (type === 'tag') return run.tags.get(key)
  switch (key) {
    case 'run_id':
      return run.runId
    case 'run_name':
      return run.runName
    default:
      return run.status
  }
}

/** The `runs/search` route of MLflow's REST API. */
export const runSearchRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/api/2.0/mlflow/runs/search',
    handle: searchRuns
  }
]
