#pragma once
// Unsigned integers stored in image file headers, read byte by byte (no alignment or host byte
// order assumed): big-endian in PNG and JPEG, little-endian in RIFF/WebP.

#include <cstdint>

namespace backdrop::imaging {

inline uint32_t read_be16(const uint8_t* p) { return (uint32_t{p[0]} << 8) | uint32_t{p[1]}; }
inline uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint32_t read_le16(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8); }
inline uint32_t read_le24(const uint8_t* p) { return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16); }
inline uint32_t read_le32(const uint8_t* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace backdrop::imaging
