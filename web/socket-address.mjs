// Preloaded into the `next start` process (node --import): Next's request objects do not expose
// the socket, so every incoming request gets its TCP peer address in a header. It overwrites any
// value a client sent under the same name, so the header cannot be forged from outside. Read by
// lib/accounts/client-address.ts (keep the header name in step with SOCKET_ADDRESS_HEADER).
import http from "node:http";
import https from "node:https";

const HEADER = "x-holdout-socket-address";

for (const Server of [http.Server, https.Server]) {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, request, ...rest) {
    if (event === "request" && request && request.headers) {
      request.headers[HEADER] = (request.socket && request.socket.remoteAddress) || "";
    }
    return emit.call(this, event, request, ...rest);
  };
}
