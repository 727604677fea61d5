// Renders the benchmark's figures as a Markdown table, with each goal and
// whether this run met it.

const MiB = 2 ** 20

const ms = value => `${Math.round(value)} ms`
const s = value => `${(value / 1000).toFixed(1)} s`
const mb = value => `${value.toFixed(0)} MiB`
const ratio = value => `${value.toFixed(1)}×`
const verdict = met => (met ? 'met' : 'missed')

/** Returns the Markdown table of one benchmark run. */
export function renderTable(results) {
  const { cold, large, many, memory, sync, start } = results
  const rows = [
    [
      'Cold registration, runs:/ to READY + alias',
      ms(cold.oursMs),
      ms(cold.pythonMs),
      ratio(cold.pythonMs / cold.oursMs),
      '≥ 10× faster',
      verdict(cold.pythonMs / cold.oursMs >= 10)
    ],
    [
      'Cold registration, compile cache off',
      ms(cold.oursUncachedMs),
      ms(cold.pythonMs),
      ratio(cold.pythonMs / cold.oursUncachedMs),
      '',
      ''
    ],
    [
      'Cold registration, the same requests from a bare Node.js script',
      ms(cold.floorMs),
      ms(cold.pythonMs),
      ratio(cold.pythonMs / cold.floorMs),
      '',
      ''
    ],
    [
      'Client time of a registration (total minus server busy)',
      ms(cold.oursMs - cold.oursServerMs),
      ms(cold.pythonMs - cold.pythonServerMs),
      ratio(
        (cold.pythonMs - cold.pythonServerMs) /
          (cold.oursMs - cold.oursServerMs)
      ),
      '',
      ''
    ],
    [
      'HTTP requests per registration',
      String(cold.oursRequests),
      String(cold.pythonRequests),
      '',
      '≤ 5 (ours)',
      verdict(cold.oursRequests <= 5)
    ],
    uploadRow('Upload, one large file', large, 1),
    uploadRow('Upload, many small files', many, 3)
  ]
  for (const run of memory) {
    rows.push([
      `Peak RSS, upload of ${(run.bytes / MiB).toFixed(0)} MiB`,
      mb(run.peakRssMb),
      '',
      '',
      '< 150 MiB, flat',
      verdict(run.peakRssMb < 150)
    ])
  }
  rows.push(
    [
      `Sync of ${sync.count} bundles vs ${sync.count} register runs`,
      `${s(sync.syncMs)} (direct ${s(sync.directMs)})`,
      '',
      ratio(sync.syncMs / sync.directMs),
      '≤ 1.5× the direct time',
      verdict(sync.syncMs <= 1.5 * sync.directMs)
    ],
    [
      'Start to first request, dist/index.js',
      ms(start.actionFirstRequestMs),
      '',
      '',
      '',
      ''
    ],
    [
      'Start to first request, dist/cli/index.js',
      ms(start.cliFirstRequestMs),
      '',
      '',
      '',
      ''
    ],
    [
      'Size of dist/ (action entry, CLI with its chunks)',
      `${mb(start.distBytes / MiB)} (${mb(start.actionBytes / MiB)}, ` +
        `${mb(start.cliBytes / MiB)})`,
      '',
      '',
      '',
      ''
    ]
  )
  const header = ['Measure', 'Ours', 'Python', 'Ratio', 'Goal', 'Result']
  return [header, header.map(() => '---'), ...rows]
    .map(row => `| ${row.join(' | ')} |`)
    .join('\n')
}

function uploadRow(label, upload, factor) {
  const speedUp = upload.pythonMs / upload.oursMs
  return [
    `${label} (${(upload.bytes / MiB).toFixed(1)} MiB)`,
    `${s(upload.oursMs)}, ${upload.oursMibPerS.toFixed(1)} MiB/s`,
    `${s(upload.pythonMs)}, ${upload.pythonMibPerS.toFixed(1)} MiB/s`,
    ratio(speedUp),
    factor === 1 ? '≥ Python' : `≥ ${factor}× faster`,
    verdict(speedUp >= factor)
  ]
}
