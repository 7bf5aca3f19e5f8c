#include "core/serving/decision_id.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/common/openssl_library.h"

namespace backdrop::serving {
namespace {

namespace fs = std::filesystem;

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr std::size_t kTagDigits = 16;    // 64 bits
constexpr std::size_t kNonceDigits = 16;  // 64 bits

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string text;
  text.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) text.append({kHexDigits[bytes[i] >> 4], kHexDigits[bytes[i] & 0xf]});
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool kept_as_is(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void append_encoded(std::string& out, std::string_view text) {
  for (const char c : text) {
    if (kept_as_is(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.append({'%', "0123456789ABCDEF"[byte >> 4], "0123456789ABCDEF"[byte & 0xf]});
    }
  }
}

std::optional<std::string> decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (kept_as_is(text[i])) {
      out += text[i];
      continue;
    }
    if (text[i] != '%' || i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
    i += 2;
  }
  return out;
}

bool lower_hex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool decimal(std::string_view text) {
  if (text.empty() || text.size() > 20) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "<16 hex>-<decimal>"
bool valid_unique(std::string_view unique) {
  return unique.size() > kNonceDigits + 1 && unique[kNonceDigits] == '-' && lower_hex(unique.substr(0, kNonceDigits)) &&
         decimal(unique.substr(kNonceDigits + 1));
}

DecisionIdCheck rejected(std::string reason) {
  return {std::nullopt, std::move(reason)};
}

}  // namespace

DecisionIds::DecisionIds(const std::string& key) : keyed_(nullptr, EVP_MAC_CTX_free) {
  if (key.size() < 16) throw std::invalid_argument("decision ids: the key must have at least 16 bytes");
  initialise_openssl();
  std::unique_ptr<EVP_MAC, void (*)(EVP_MAC*)> hmac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), EVP_MAC_free);
  if (hmac) keyed_.reset(EVP_MAC_CTX_new(hmac.get()));
  char digest[] = "SHA256";
  const OSSL_PARAM parameters[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                   OSSL_PARAM_construct_end()};
  if (!keyed_ ||
      EVP_MAC_init(keyed_.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(), parameters) != 1) {
    throw std::runtime_error("decision ids: cannot set up OpenSSL's HMAC-SHA256");
  }
}

std::string DecisionIds::tag(std::string_view text) const {
  const std::unique_ptr<EVP_MAC_CTX, void (*)(EVP_MAC_CTX*)> mac(EVP_MAC_CTX_dup(keyed_.get()), EVP_MAC_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  std::size_t length = 0;
  if (!mac || EVP_MAC_update(mac.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1 ||
      EVP_MAC_final(mac.get(), digest.data(), &length, digest.size()) != 1) {
    throw std::runtime_error("decision ids: HMAC-SHA256 failed");
  }
  return hex(digest.data(), kTagDigits / 2);
}

std::string DecisionIds::issue(std::string_view category, std::string_view bundle_version, uint64_t nonce,
                               uint64_t counter) const {
  std::string id;
  id.reserve(category.size() + bundle_version.size() + 64);
  append_encoded(id, category);
  id += '.';
  append_encoded(id, bundle_version);
  char unique[48];
  std::snprintf(unique, sizeof unique, ".%016llx-%llu", static_cast<unsigned long long>(nonce),
                static_cast<unsigned long long>(counter));
  id += unique;
  const auto signature = tag(id);
  id.append(1, '.').append(signature);
  return id;
}

DecisionIdCheck DecisionIds::check(std::string_view id) const {
  if (id.size() > kMaxDecisionIdLength) return rejected("longer than " + std::to_string(kMaxDecisionIdLength));
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto dot = id.find('.', start);
    fields.push_back(id.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (fields.size() != 4) return rejected("not <category>.<bundle>.<unique>.<tag>");
  auto category = decoded(fields[0]);
  auto version = decoded(fields[1]);
  if (!category || !version || version->empty()) return rejected("a field is not percent-encoded");
  if (!valid_unique(fields[2])) return rejected("the unique part is not <16 hex digits>-<counter>");
  if (fields[3].size() != kTagDigits || !lower_hex(fields[3])) return rejected("the tag is not 16 hex digits");
  const auto expected = tag(id.substr(0, id.size() - kTagDigits - 1));
  if (CRYPTO_memcmp(expected.data(), fields[3].data(), kTagDigits) != 0) {
    return rejected("its tag does not match (garbled, or not issued with this key)");
  }
  return {DecisionIdParts{std::move(*category), std::move(*version), std::string(fields[2])}, {}};
}

std::string random_key_bytes() {
  initialise_openssl();
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("decision ids: no random bytes from OpenSSL");
  }
  return key;
}

fs::path decision_key_file(const fs::path& publish_target) {
  return publish_target / "decision-ids.key";
}

namespace {

// The key's bytes from the file's 64 hex digits (surrounding whitespace ignored).
std::optional<std::string> read_key(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  std::string text;
  in >> text;
  if (text.size() != 64 || !lower_hex(text)) {
    throw std::runtime_error(file.string() + ": not a decision id key (64 lowercase hex digits)");
  }
  std::string key;
  for (std::size_t i = 0; i < text.size(); i += 2)
    key += static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1]));
  return key;
}

void write_new_key(const fs::path& file) {
  const auto key = random_key_bytes();
  const auto text = hex(reinterpret_cast<const unsigned char*>(key.data()), key.size()) + "\n";
  std::string temporary = file.string() + ".XXXXXX";  // mkstemp: a fresh name, mode 0600
  const int fd = ::mkstemp(temporary.data());
  const bool written =
      fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  const int saved = errno;
  if (fd >= 0) ::close(fd);
  // link() fails with EEXIST when another process created the key first: then its key is used.
  const bool linked = written && (::link(temporary.c_str(), file.c_str()) == 0 || errno == EEXIST);
  const int error = written ? errno : saved;
  if (fd >= 0) ::unlink(temporary.c_str());
  if (!linked) {
    throw std::runtime_error(file.string() + ": cannot create the decision id key: " + std::strerror(error) +
                             " (create it beside CURRENT, or pass --decision-key FILE)");
  }
}

}  // namespace

std::string load_or_create_key(const fs::path& file) {
  if (auto key = read_key(file)) return *key;
  std::error_code ignored;  // a folder that cannot be made is reported by the write below
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ignored);
  write_new_key(file);
  if (auto key = read_key(file)) return *key;
  throw std::runtime_error(file.string() + ": cannot read the decision id key");
}

}  // namespace backdrop::serving
