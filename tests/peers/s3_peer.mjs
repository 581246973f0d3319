// A real S3 protocol server on loopback for the tests (the npm s3rver package), keeping its
// objects under a directory the test reads back to check what landed in the bucket.
//
//   node s3_peer.mjs --dir DIR --bucket NAME [--cors-origin ORIGIN]
//
// With --cors-origin the bucket has a CORS rule letting browsers on ORIGIN (one '*' allowed, as
// S3 allows: "http://127.0.0.1:*") GET its objects, as an operator sets for presigned downloads.
// Creates the bucket, listens on 127.0.0.1 on a free port and prints {"listening": PORT}. Prints
// one JSON line per request answered: {"n", "request": {"method", "path", "query", "status"}}
// (n counts them from 1), so a test sees e.g. the parts of a multipart upload. The access key S3RVER is known (any other
// gets InvalidAccessKeyId). Exits when stdin ends.
import http from "node:http";
import readline from "node:readline";
import S3rver from "s3rver";

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const corsOrigin = option("--cors-origin");
const corsRule = corsOrigin && `<CORSConfiguration><CORSRule><AllowedOrigin>${corsOrigin}</AllowedOrigin>` +
  "<AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>";
const s3 = new S3rver({
  directory: option("--dir"),
  silent: true,
  configureBuckets: [{ name: option("--bucket"), configs: corsRule ? [corsRule] : [] }],
});
await s3.configureBuckets();
const handle = s3.callback();
let answered = 0;
const server = http.createServer((req, res) => {
  res.on("finish", () => {
    const url = new URL(req.url, "http://localhost");
    const request = {
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: res.statusCode,
    };
    console.log(JSON.stringify({ n: ++answered, request }));
  });
  handle(req, res);
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ listening: server.address().port }));
});
readline.createInterface({ input: process.stdin }).on("close", () => process.exit(0));
