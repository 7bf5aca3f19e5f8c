#pragma once
// backdrop-serve's HTTP API on cpp-httplib:
//
//   POST /v1/decide   {"category","product","placement","context":{"user":{},"product":{},"placement":{}}}
//                     -> 200 {"decision","arm","image","propensity","bundle"}
//   POST /v1/feedback {"decision","clicked":true|false}
//                     -> 200 {"category","learned","logged"}: this process held the decision; a
//                        click is logged, and learned from where the decision's policy learns online
//                     -> 202 {"category","learned":false,"logged"}: a genuine id this process does
//                        not hold (another replica's, made before a restart, expired, answered
//                        before): a click is logged all the same, to the id's category
//                     -> 422 {"error"}: not an id this service issued (garbled or forged): logged
//                        to unmatched-clicks.log and counted, never in a category's log
//                     "logged" is true once the click line is written and flushed (see
//                     core/serving/impression_writer.h); 503 when it could not be: send it again.
//   GET  /healthz     -> 200 {"status":"ok","bundle":version}, 503 without a bundle
//   GET  /metrics     -> Prometheus text
//
// Every 4xx/5xx answer is JSON {"error": reason}: malformed JSON, wrong or missing fields (400),
// unknown names or routes (404), ids we did not issue (422), bodies over the limit (413), no bundle
// yet or a click that could not be logged (503). Exceptions never leave a handler: what the typed
// errors do not cover becomes a 500.
//
// Clients that keep connections alive should set TCP_NODELAY: cpp-httplib's client (and others)
// write a POST's headers and body in two sends, and with Nagle's algorithm on the body waits for
// this server's delayed ACK of the headers, 40 ms per request (the server's own answers are sent
// with TCP_NODELAY).

#include <cstddef>

// Include <httplib.h> after Eigen (core/ headers): it pulls in <resolv.h>, whose `_res` macro
// breaks Eigen's headers.
namespace httplib {
class Server;
}  // namespace httplib

namespace backdrop::serving {
class DecisionEngine;
class ServingMetrics;
}  // namespace backdrop::serving

namespace backdrop::serve {

struct HttpSettings {
  std::size_t max_body_bytes = std::size_t{64} * 1024;
  // Worker threads. cpp-httplib keeps a connection on one thread while it is kept alive, so this
  // is the number of connections served at the same time: a connection beyond it waits until one
  // closes (an idle kept-alive one after 5 s). The count is sized for clients' connection pools
  // (load balancers, wrk), not for the cores: a thread waiting on its socket costs no CPU and
  // little memory, and only as many run at once as there are requests in flight.
  int threads = 64;
};

// Routes, limits, error and exception handlers, and request counting.
void configure_server(httplib::Server& server, serving::DecisionEngine& engine, serving::ServingMetrics& metrics,
                      const HttpSettings& settings);

}  // namespace backdrop::serve
