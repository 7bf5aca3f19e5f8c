#include <QtTest>

#include <cstdlib>

#include "core/common/user_cache_dir.h"

using backdrop::user_cache_dir;

// The cache folder's lookup order: $BACKDROP_CACHE_DIR, $XDG_CACHE_HOME/backdrop, $HOME/.cache/backdrop.
class UserCacheDirTest : public QObject {
  Q_OBJECT

 private slots:
  void init() {
    ::setenv("BACKDROP_CACHE_DIR", "test-backdrop-cache", 1);
    ::setenv("XDG_CACHE_HOME", "test-xdg-cache", 1);
    ::setenv("HOME", "test-home", 1);
  }

  void backdropsOwnVariableComesFirst() { QCOMPARE(user_cache_dir()->string(), "test-backdrop-cache"); }

  void thenTheXdgFolder() {
    ::setenv("BACKDROP_CACHE_DIR", "", 1);  // empty counts as unset
    QCOMPARE(user_cache_dir()->string(), "test-xdg-cache/backdrop");
  }

  void thenTheHomeFolder() {
    ::unsetenv("BACKDROP_CACHE_DIR");
    ::unsetenv("XDG_CACHE_HOME");
    QCOMPARE(user_cache_dir()->string(), "test-home/.cache/backdrop");
  }

  void noneWithoutAnyVariable() {
    ::unsetenv("BACKDROP_CACHE_DIR");
    ::unsetenv("XDG_CACHE_HOME");
    ::unsetenv("HOME");
    QVERIFY(!user_cache_dir());
  }
};

QTEST_APPLESS_MAIN(UserCacheDirTest)
#include "user_cache_dir_test.moc"
