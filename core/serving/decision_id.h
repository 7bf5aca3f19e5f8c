#pragma once
// Decision ids that carry what any replica needs to log their click, and a check that the id was
// issued by a backdrop-serve sharing the key:
//
//   <category>.<bundle version>.<unique>.<tag>
//   shoes.20261126T020000Z-0123abcd.9f1c2e3d4a5b6c7d-17.0a1b2c3d4e5f6789
//
// category and bundle version are percent-encoded (bytes other than letters, digits, '-' and '_'
// as %XX), so '.' only separates the fields; unique is the engine's random 64-bit nonce (16 hex
// digits, drawn at start, so ids differ across restarts and replicas) and a decimal counter; tag is
// the first 64 bits of HMAC-SHA256(key, everything before the last '.') as 16 lowercase hex digits.
//
// The key: replicas on one publish target share the file <target>/decision-ids.key (64 hex
// digits), created by the first backdrop-serve that finds none (see load_or_create_key). What the
// tag protects against: garbled ids (truncated, mangled by a proxy, mistyped) and ids made up by
// clients that cannot read the publish target, which would otherwise put clicks into a category's
// log that no impression explains. What it does not: anyone who can read the key file can issue
// ids; a genuine id replayed is still genuine (repeated clicks are logged and counted once
// offline, see core/bandit/impression_log.h); ids are not secret (category and version are
// readable); a 64-bit tag is guessed with probability 2^-64 per try.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace backdrop::serving {

struct DecisionIdParts {
  std::string category;
  std::string bundle_version;
  std::string unique;
};

// The outcome of checking an id: its parts, or why it is not one of ours.
struct DecisionIdCheck {
  std::optional<DecisionIdParts> parts;
  std::string error;  // set when parts is empty
};

// Thread-safe: issue() and check() share only the keyed HMAC state, which they copy.
class DecisionIds {
 public:
  // `key`: the shared secret's bytes (at least 16). Throws std::invalid_argument when shorter.
  explicit DecisionIds(const std::string& key);

  std::string issue(std::string_view category, std::string_view bundle_version, uint64_t nonce, uint64_t counter) const;
  DecisionIdCheck check(std::string_view id) const;

 private:
  std::string tag(std::string_view text) const;
  // HMAC-SHA256 initialised with the key once; each tag works on a copy (a third of the cost of
  // keying every time).
  std::unique_ptr<::evp_mac_ctx_st, void (*)(::evp_mac_ctx_st*)> keyed_;
};

// The longest id check() accepts; longer ones are garbled by definition.
inline constexpr std::size_t kMaxDecisionIdLength = 1024;

// 32 random bytes from OpenSSL's generator, for a key file or a test.
std::string random_key_bytes();
// The key in `file` (64 hex digits), creating it with a random key when it does not exist. Several
// processes starting at once agree on one key: each writes its own temporary file and link()s it
// into place, which fails for all but the first. Throws std::runtime_error naming the file when it
// cannot be read, is not a key, or cannot be created.
std::string load_or_create_key(const std::filesystem::path& file);
// "<publish target>/decision-ids.key"
std::filesystem::path decision_key_file(const std::filesystem::path& publish_target);

}  // namespace backdrop::serving
