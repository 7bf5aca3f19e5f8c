#include <QtTest>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "core/generation/cache_store.h"
#include "core/store/store_error.h"
#include "support/test_data.h"

using namespace backdrop;

namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

// The pid of a process that has exited (and been reaped), for "abandoned" temporaries.
pid_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

class CacheTest : public QObject {
  Q_OBJECT

 private slots:
  void publishesUnderTheKeysPath() {
    const auto dir = test::scratch_dir("generation-cache-publish");
    const CacheStore cache(dir / "cache");
    QCOMPARE(CacheStore::relative_path(kKey), "01/" + kKey + ".png");
    QVERIFY(!cache.contains(kKey));
    const auto temporary = cache.temporary_path(kKey);
    QCOMPARE(temporary.parent_path(), cache.path_for(kKey).parent_path());
    QVERIFY(temporary != cache.temporary_path(kKey));  // unique per call
    std::ofstream(temporary) << "png bytes";
    QVERIFY(!cache.contains(kKey));  // a temporary is never a cache entry
    cache.publish(temporary, kKey);
    QVERIFY(cache.contains(kKey));
    QVERIFY(!std::filesystem::exists(temporary));
    QVERIFY_THROWS_EXCEPTION(StoreError, CacheStore::relative_path("a"));
  }

  void removesOnlyTemporariesOfDeadProcesses() {
    const auto dir = test::scratch_dir("generation-cache-abandoned");
    const CacheStore cache(dir / "cache");
    const auto mine = cache.temporary_path(kKey);
    std::ofstream(mine) << "in progress";
    auto abandoned_name = mine.filename().string();
    const auto pid_text = "~" + std::to_string(getpid()) + "~";
    abandoned_name.replace(abandoned_name.find(pid_text), pid_text.size(), "~" + std::to_string(dead_pid()) + "~");
    const auto abandoned = mine.parent_path() / abandoned_name;
    std::ofstream(abandoned) << "left by a killed worker";
    const auto foreign = mine.parent_path() / (".tmp~other-host~1~0~" + kKey + ".png");
    std::ofstream(foreign) << "another machine's";

    QCOMPARE(cache.remove_abandoned_temporaries(), 1);
    QVERIFY(!std::filesystem::exists(abandoned));
    QVERIFY(std::filesystem::exists(mine));
    QVERIFY(std::filesystem::exists(foreign));
  }
};

QTEST_APPLESS_MAIN(CacheTest)
#include "cache_test.moc"
