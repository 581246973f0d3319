// Scrapes a Prometheus text endpoint for the e2e tests and parses the answer with
// parse-prometheus-text-format (prom2json's shape). Reads one JSON request per stdin line,
// {"id": N, "url": "...", "token": "..."|null}, and prints one JSON line per request, with its id:
// {"id", "status": 200, "content_type": "...", "families": [...]}, {"id", "status": N, "body"}
// for a refusal, or {"id", "error": "..."} when the fetch or the parse failed.
import readline from 'node:readline';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

// The parser is lenient; these are the lines the format allows (comments, blank lines and
// samples `name{labels} value`), so a malformed line fails the scrape instead of vanishing.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*",?)*\})? (-?[0-9.e+-]+|[+-]Inf|NaN)$/;

function check(text) {
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    if (!SAMPLE.test(line)) throw new Error(`malformed line: ${line}`);
  }
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
}

const input = readline.createInterface({ input: process.stdin });
for await (const line of input) {
  const request = JSON.parse(line);
  try {
    const headers = request.token ? { authorization: `Bearer ${request.token}` } : {};
    const response = await fetch(request.url, { headers });
    const body = await response.text();
    if (response.status !== 200) {
      console.log(JSON.stringify({ id: request.id, status: response.status, body }));
      continue;
    }
    check(body);
    console.log(JSON.stringify({
      id: request.id,
      status: 200,
      content_type: response.headers.get('content-type'),
      families: parsePrometheusTextFormat(body),
    }));
  } catch (error) {
    console.log(JSON.stringify({ id: request.id, error: String(error) }));
  }
}
