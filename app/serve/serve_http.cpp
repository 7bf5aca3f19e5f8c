#include "app/serve/serve_http.h"

#include <chrono>
#include <string>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/serving/decision_engine.h"
#include "core/serving/json_text.h"
#include "core/serving/request_body.h"
#include "core/serving/serving_errors.h"
#include "core/serving/serving_metrics.h"

#include <httplib.h>  // after Eigen, see serve_http.h

namespace backdrop::serve {
namespace {

using nlohmann::json;
using serving::BadRequest;
using serving::NotFound;
using serving::Unavailable;

constexpr const char* kJson = "application/json";
constexpr const char* kPrometheusText = "text/plain; version=0.0.4; charset=utf-8";

void reply_error(httplib::Response& response, int status, const std::string& reason) {
  response.status = status;
  response.set_content(json{{"error", reason}}.dump(), kJson);
}

// Runs `handle`, turning the engine's typed errors into their answers.
template <typename Handle>
void answer(httplib::Response& response, Handle&& handle) {
  try {
    handle();
  } catch (const BadRequest& error) {
    reply_error(response, 400, error.what());
  } catch (const NotFound& error) {
    reply_error(response, 404, error.what());
  } catch (const Unavailable& error) {
    reply_error(response, 503, error.what());
  }
}

// {"arm","bundle","decision",["experiment","group",]"image","propensity"}, the keys in dump()'s order.
std::string decision_text(const serving::Decision& decision) {
  std::string text;
  text.reserve(160 + decision.image.size() + decision.id.size());
  serving::JsonObjectText object(text);
  object.string("arm", decision.arm_id).string("bundle", decision.bundle_version).string("decision", decision.id);
  if (!decision.experiment.empty()) object.string("experiment", decision.experiment).string("group", decision.group);
  object.string("image", decision.image).number("propensity", decision.propensity).close();
  return text;
}

void decide(const httplib::Request& request, httplib::Response& response, serving::DecisionEngine& engine,
            serving::ServingMetrics& metrics) {
  const auto started = std::chrono::steady_clock::now();
  answer(response, [&] {
    const auto body = serving::parse_request_body(request.body);
    const auto fields = serving::decide_fields(body);
    const auto decision = engine.decide({fields.category, fields.product, fields.placement, *fields.context, started});
    response.set_content(decision_text(decision), kJson);
    metrics.count_decision(fields.category, decision.fallback);
    metrics.observe_decide_seconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  });
}

int status_of(serving::FeedbackOutcome outcome) {
  switch (outcome) {
    case serving::FeedbackOutcome::held:
      return 200;
    case serving::FeedbackOutcome::not_held:
      return 202;
    case serving::FeedbackOutcome::unmatched:
      break;
  }
  return 422;
}

const char* label_of(serving::FeedbackOutcome outcome) {
  switch (outcome) {
    case serving::FeedbackOutcome::held:
      return "held";
    case serving::FeedbackOutcome::not_held:
      return "not_held";
    case serving::FeedbackOutcome::unmatched:
      break;
  }
  return "unmatched";
}

void feedback(const httplib::Request& request, httplib::Response& response, serving::DecisionEngine& engine,
              serving::ServingMetrics& metrics) {
  answer(response, [&] {
    const auto body = serving::parse_request_body(request.body);
    const auto fields = serving::feedback_fields(body);
    const auto result = engine.feedback(std::string(fields.decision), fields.clicked);
    metrics.count_feedback(label_of(result.outcome), result.logged);
    if (result.outcome == serving::FeedbackOutcome::unmatched) {
      return reply_error(response, 422,
                         "decision id not issued by this service (" + result.error + "); logged as unmatched");
    }
    response.status = status_of(result.outcome);
    std::string text;
    serving::JsonObjectText(text)
        .string("category", result.category)
        .boolean("learned", result.learned)
        .boolean("logged", result.logged)
        .close();
    response.set_content(text, kJson);
  });
}

void healthz(httplib::Response& response, const serving::DecisionEngine& engine) {
  const auto version = engine.bundle_version();
  if (version.empty()) return reply_error(response, 503, "no bundle loaded");
  response.set_content(json{{"status", "ok"}, {"bundle", version}}.dump(), kJson);
}

// The metrics' route label: the API's routes, everything else as "other".
std::string route_label(const std::string& path) {
  for (const char* route : {"/v1/decide", "/v1/feedback", "/healthz", "/metrics"}) {
    if (path == route) return route;
  }
  return "other";
}

std::string reason_for_status(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 404:
      return "no such route";
    case 405:
      return "method not allowed";
    case 413:
      return "request body too large";
    case 414:
      return "request URI too long";
    default:
      return status >= 500 ? "internal error" : "request refused";
  }
}

}  // namespace

void configure_server(httplib::Server& server, serving::DecisionEngine& engine, serving::ServingMetrics& metrics,
                      const HttpSettings& settings) {
  const auto threads = static_cast<std::size_t>(settings.threads > 0 ? settings.threads : 1);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(settings.max_body_bytes);
  // cpp-httplib closes a kept-alive connection after 5 requests by default; clients that keep
  // connections open (load balancers, wrk) would reconnect all the time.
  server.set_keep_alive_max_count(100000);
  server.set_tcp_nodelay(true);

  server.Post("/v1/decide", [&engine, &metrics](const httplib::Request& request, httplib::Response& response) {
    decide(request, response, engine, metrics);
  });
  server.Post("/v1/feedback", [&engine, &metrics](const httplib::Request& request, httplib::Response& response) {
    feedback(request, response, engine, metrics);
  });
  server.Get("/healthz",
             [&engine](const httplib::Request&, httplib::Response& response) { healthz(response, engine); });
  server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.render(), kPrometheusText);
  });

  // Answers cpp-httplib makes itself (unknown route, body too large) get a JSON reason too.
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.body.empty()) reply_error(response, response.status, reason_for_status(response.status));
  });
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, const std::exception_ptr& error) {
        std::string what = "unknown exception";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& exception) {
          what = exception.what();
        } catch (...) {
        }
        spdlog::error("{} {}: {}", request.method, request.path, what);
        reply_error(response, 500, "internal error: " + what);
      });
  server.set_logger([&metrics](const httplib::Request& request, const httplib::Response& response) {
    metrics.count_request(route_label(request.path), response.status);
  });
}

}  // namespace backdrop::serve
