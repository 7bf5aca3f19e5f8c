#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <vector>

#include "core/generation/content_hash_cache.h"
#include "core/generation/weights_fingerprint.h"
#include "core/store/sha256.h"
#include "core/store/store_error.h"
#include "support/test_data.h"

using namespace backdrop;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

std::string canonical_name(const fs::path& file) {
  return fs::canonical(file).string();
}

}  // namespace

// Weights are fingerprinted by content, and each file's content is read once per (path, size,
// modification time), in this process and the next.
class ContentHashTest : public QObject {
  Q_OBJECT

 private slots:
  // The process-wide cache finds its folder on first use: this process's scratch folder, never
  // the user's.
  void initTestCase() { ::setenv("BACKDROP_CACHE_DIR", (test::scratch_dir("user-cache")).c_str(), 1); }

  void equalContentGivesEqualFingerprintsWherever() {
    const auto dir = test::scratch_dir("hash-equal");
    write(dir / "a" / "model.safetensors", "weights");
    write(dir / "b" / "copy.safetensors", "weights");
    QCOMPARE(weights_fingerprint(dir / "a" / "model.safetensors"), sha256_hex("weights"));
    QCOMPARE(weights_fingerprint(dir / "b" / "copy.safetensors"), sha256_hex("weights"));
    QVERIFY(weights_fingerprint(dir / "missing.safetensors").empty());
  }

  void changedContentChangesTheFingerprint() {
    const auto dir = test::scratch_dir("hash-changed");
    write(dir / "model.safetensors", "weights");
    const auto before = weights_fingerprint(dir / "model.safetensors");
    write(dir / "model.safetensors", "retrained weights");
    QCOMPARE(weights_fingerprint(dir / "model.safetensors"), sha256_hex("retrained weights"));
    QVERIFY(before != sha256_hex("retrained weights"));
  }

  void touchingAFileKeepsItsFingerprint() {
    const auto dir = test::scratch_dir("hash-touched");
    const auto file = dir / "model.safetensors";
    write(file, "weights");
    const auto before = weights_fingerprint(file);
    fs::last_write_time(file, fs::last_write_time(file) + std::chrono::seconds(10));
    QCOMPARE(weights_fingerprint(file), before);
  }

  void aFoldersFingerprintFollowsItsFilesContent() {
    const auto dir = test::scratch_dir("hash-folder");
    write(dir / "model" / "unet" / "weights.bin", "unet");
    write(dir / "model" / "vae" / "weights.bin", "vae");
    const auto before = weights_fingerprint(dir / "model");
    fs::copy(dir / "model", dir / "copy", fs::copy_options::recursive);
    QCOMPARE(weights_fingerprint(dir / "copy"), before);  // names and contents, not where or when
    write(dir / "model" / "vae" / "weights.bin", "fine-tuned vae");
    QVERIFY(weights_fingerprint(dir / "model") != before);
    fs::rename(dir / "copy" / "vae", dir / "copy" / "vae2");
    QVERIFY(weights_fingerprint(dir / "copy") != before);  // a renamed part is other weights
  }

  void theProcessCacheLivesInTheUserCacheFolder() {
    const auto dir = test::scratch_dir("hash-user-folder");
    write(dir / "lora.safetensors", "lora");
    QCOMPARE(file_content_sha256(dir / "lora.safetensors"), sha256_hex("lora"));
    const auto saved = read_content_hashes(fs::path(std::getenv("BACKDROP_CACHE_DIR")) / "content-hashes.tsv");
    QVERIFY(saved.contains(canonical_name(dir / "lora.safetensors")));
    QCOMPARE(saved.at(canonical_name(dir / "lora.safetensors")).sha256, sha256_hex("lora"));
    // In Unix time, as `stat` shows it, not std::filesystem's own clock.
    const auto written = std::chrono::nanoseconds(saved.at(canonical_name(dir / "lora.safetensors")).stamp.modified_ns);
    const auto age = std::chrono::system_clock::now().time_since_epoch() - written;
    QVERIFY(age >= std::chrono::seconds(-5) && age < std::chrono::minutes(10));
  }

  // A fresh cache on the same file stands for the next process: it returns the hash it finds there
  // for an unchanged (path, size, modification time) without reading the file, which this test
  // proves by changing the bytes behind the cache's back.
  void theNextProcessTrustsTheSavedStamp() {
    const auto dir = test::scratch_dir("hash-persist");
    const auto file = dir / "model.safetensors";
    write(file, "weights A");
    QCOMPARE(ContentHashCache(dir / "cache.tsv").sha256(file), sha256_hex("weights A"));
    const auto modified = fs::last_write_time(file);
    write(file, "weights B");  // same size
    fs::last_write_time(file, modified);
    QCOMPARE(ContentHashCache(dir / "cache.tsv").sha256(file), sha256_hex("weights A"));
    QCOMPARE(ContentHashCache(dir / "other.tsv").sha256(file), sha256_hex("weights B"));
  }

  // A worker that started before another one hashed the weights still finds that hash.
  void aProcessFindsWhatAnotherSavedSinceItStarted() {
    const auto dir = test::scratch_dir("hash-meanwhile");
    const auto file = dir / "model.safetensors";
    write(file, "weights A");
    ContentHashCache started_first(dir / "cache.tsv");
    QCOMPARE(ContentHashCache(dir / "cache.tsv").sha256(file), sha256_hex("weights A"));
    const auto modified = fs::last_write_time(file);
    write(file, "weights B");  // same size
    fs::last_write_time(file, modified);
    QCOMPARE(started_first.sha256(file), sha256_hex("weights A"));
  }

  void aDamagedCacheFileIsHashedAround() {
    const auto dir = test::scratch_dir("hash-damaged");
    const auto file = dir / "model.safetensors";
    write(file, "weights");
    const auto stamp = *file_stamp(file);
    const auto wrong = sha256_hex("not these weights");
    const auto entry = wrong + "\t" + std::to_string(stamp.size) + "\t" + std::to_string(stamp.modified_ns) + "\t";
    write(dir / "garbage.tsv", std::string("\x00\xff\x10 binary junk\n", 17));
    QCOMPARE(ContentHashCache(dir / "garbage.tsv").sha256(file), sha256_hex("weights"));
    // A line cut short (no newline) may have lost the end of its path: it is not trusted.
    write(dir / "cut.tsv", "backdrop-content-hashes-v1\nzz\t1\t2\t/x\n" + entry + canonical_name(file));
    QCOMPARE(ContentHashCache(dir / "cut.tsv").sha256(file), sha256_hex("weights"));
    // Hashing again wrote a sound file in its place.
    QCOMPARE(read_content_hashes(dir / "cut.tsv").at(canonical_name(file)).sha256, sha256_hex("weights"));
    write(dir / "old.tsv", "backdrop-content-hashes-v0\n" + entry + canonical_name(file) + "\n");
    QCOMPARE(ContentHashCache(dir / "old.tsv").sha256(file), sha256_hex("weights"));
  }

  void anUnwritableCacheFolderOnlyCostsPersistence() {
    const auto dir = test::scratch_dir("hash-unwritable");
    write(dir / "model.safetensors", "weights");
    write(dir / "a-file", "not a folder");
    ContentHashCache cache(dir / "a-file" / "cache.tsv");
    QCOMPARE(cache.sha256(dir / "model.safetensors"), sha256_hex("weights"));
    QCOMPARE(cache.sha256(dir / "model.safetensors"), sha256_hex("weights"));
  }

  void entriesOfGoneOrChangedFilesAreDropped() {
    const auto dir = test::scratch_dir("hash-stale");
    for (const auto* name : {"a", "b", "c"}) write(dir / name, name);
    ContentHashCache cache(dir / "cache.tsv");
    cache.sha256(dir / "a");
    cache.sha256(dir / "b");
    fs::remove(dir / "b");
    write(dir / "a", "rewritten a");
    cache.sha256(dir / "c");
    const auto saved = read_content_hashes(dir / "cache.tsv");
    QCOMPARE(saved.size(), std::size_t(1));
    QVERIFY(saved.contains(canonical_name(dir / "c")));
  }

  void unreadableFilesAreErrorsNamingThem() {
    const auto dir = test::scratch_dir("hash-missing");
    ContentHashCache cache(dir / "cache.tsv");
    try {
      cache.sha256(dir / "missing.safetensors");
      QFAIL("no error for a missing file");
    } catch (const StoreError& error) {
      QVERIFY(std::string(error.what()).find("missing.safetensors") != std::string::npos);
    }
  }

  void threadsShareOneCache() {
    const auto dir = test::scratch_dir("hash-threads");
    write(dir / "model.safetensors", std::string(1 << 20, 'w'));
    ContentHashCache cache(dir / "cache.tsv");
    std::vector<std::string> hashes(8);
    std::vector<std::thread> threads;
    for (auto& hash : hashes) threads.emplace_back([&] { hash = cache.sha256(dir / "model.safetensors"); });
    for (auto& thread : threads) thread.join();
    for (const auto& hash : hashes) QCOMPARE(hash, sha256_hex(std::string(1 << 20, 'w')));
  }

  // Workers on one machine share the file: whatever each process writes, the file always parses
  // and every entry in it is right.
  void processesWritingAtOnceNeverTearTheFile() {
    const auto dir = test::scratch_dir("hash-processes");
    for (int i = 0; i < 40; ++i) write(dir / "files" / std::to_string(i), std::string(1000 + i, 'x'));
    std::vector<pid_t> children;
    for (int worker = 0; worker < 4; ++worker) {
      const pid_t child = fork();
      if (child == 0) {
        for (int i = worker; i < 40; i += 4) {
          ContentHashCache(dir / "cache.tsv").sha256(dir / "files" / std::to_string(i));
        }
        _exit(0);
      }
      children.push_back(child);
    }
    for (const pid_t child : children) {
      int status = 0;
      waitpid(child, &status, 0);
      QVERIFY(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    const auto saved = read_content_hashes(dir / "cache.tsv");
    QVERIFY(!saved.empty());
    for (const auto& [path, hash] : saved) {
      QCOMPARE(hash.sha256, sha256_hex(std::string(fs::file_size(path), 'x')));
    }
    QCOMPARE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 2);  // no temporaries left
  }
};

QTEST_APPLESS_MAIN(ContentHashTest)
#include "content_hash_test.moc"
