// Sticky assignment: the same user always lands in the same group, the groups get their shares,
// a new salt reshuffles, and the hash is the one documented (pinned values, so that a change of
// build or platform cannot silently move users between groups).

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include "core/experiment/group_assignment.h"

using namespace backdrop::experiment;

namespace {

Experiment three_groups(const std::string& salt) {
  Experiment experiment;
  experiment.id = "phase3";
  experiment.salt = salt;
  experiment.category = "apparel";
  experiment.groups = {{"original", GroupKind::original, 0.05, ""},
                       {"random", GroupKind::random_prompt, 0.15, ""},
                       {"personalised", GroupKind::personalised, 0.80, ""}};
  experiment.control = "random";
  return experiment;
}

std::string user(int i) {
  return "user-" + std::to_string(i);
}

}  // namespace

class GroupAssignmentTest : public QObject {
  Q_OBJECT

 private slots:
  void theHashIsTheDocumentedOne() {
    // Pinned outputs, computed by an independent (Python) implementation of the hash the header
    // documents. They must never change, or every running experiment reshuffles its users.
    QCOMPARE(assignment_hash("s3cr3t", "phase3", "user-1"), uint64_t{0xf5354554213dc424ull});
    QCOMPARE(assignment_hash("s3cr3t", "phase3", "42"), uint64_t{0x0f133c27dc676913ull});
    // The separators keep the parts apart: ("ab", "c") is not ("a", "bc").
    QVERIFY(assignment_hash("ab", "c", "u") != assignment_hash("a", "bc", "u"));
    const double position = assignment_position("s3cr3t", "phase3", "user-1");
    QVERIFY(position >= 0.0 && position < 1.0);
    QCOMPARE(position, static_cast<double>(uint64_t{0xf5354554213dc424ull} >> 11) * 0x1.0p-53);
  }

  void theSameUserAlwaysGetsTheSameGroup() {
    const auto experiment = three_groups("s3cr3t");
    const GroupAssigner first(experiment), second(experiment);  // e.g. two replicas
    for (int i = 0; i < 10000; ++i) {
      const auto group = first.group_of_user(user(i));
      QCOMPARE(second.group_of_user(user(i)), group);
      QCOMPARE(first.group_of_user(user(i)), group);
      QCOMPARE(first.group_at(assignment_position("s3cr3t", "phase3", user(i))), group);
    }
  }

  void groupsGetTheirSharesOf100kUsers() {
    const auto experiment = three_groups("s3cr3t");
    const GroupAssigner assigner(experiment);
    constexpr int kUsers = 100000;
    std::vector<int> counts(3, 0);
    for (int i = 0; i < kUsers; ++i) ++counts[assigner.group_of_user(user(i))];
    for (std::size_t g = 0; g < 3; ++g) {
      const double share = experiment.groups[g].share;
      // 4.5 binomial standard deviations: about 1 in 150,000 per group by chance, and the ids are
      // fixed, so the test is deterministic.
      const double tolerance = 4.5 * std::sqrt(share * (1 - share) / kUsers);
      const double observed = static_cast<double>(counts[g]) / kUsers;
      QVERIFY2(std::abs(observed - share) < tolerance,
               (experiment.groups[g].name + ": " + std::to_string(observed)).c_str());
    }
  }

  void anotherSaltSplitsDifferently() {
    const GroupAssigner a(three_groups("s3cr3t")), b(three_groups("other"));
    int moved = 0, personalised_in_both = 0, personalised_a = 0;
    constexpr int kUsers = 100000;
    for (int i = 0; i < kUsers; ++i) {
      const auto ga = a.group_of_user(user(i)), gb = b.group_of_user(user(i));
      moved += ga != gb ? 1 : 0;
      personalised_a += ga == 2 ? 1 : 0;
      personalised_in_both += (ga == 2 && gb == 2) ? 1 : 0;
    }
    // Independent splits: P(different) = 1 - (0.05^2 + 0.15^2 + 0.8^2) = 0.335.
    QVERIFY2(std::abs(moved / double(kUsers) - 0.335) < 0.01, std::to_string(moved).c_str());
    // Being personalised under one salt says nothing about the other: 0.8 of them again.
    QVERIFY(std::abs(personalised_in_both / double(personalised_a) - 0.8) < 0.01);
  }

  void positionsCutByCumulativeShares() {
    const GroupAssigner assigner(three_groups("s"));
    QCOMPARE(assigner.group_at(0.0), std::size_t{0});
    QCOMPARE(assigner.group_at(0.0499), std::size_t{0});
    QCOMPARE(assigner.group_at(0.05), std::size_t{1});
    QCOMPARE(assigner.group_at(0.1999), std::size_t{1});
    QCOMPARE(assigner.group_at(0.2), std::size_t{2});
    QCOMPARE(assigner.group_at(0.9999999), std::size_t{2});
  }
};

QTEST_APPLESS_MAIN(GroupAssignmentTest)
#include "group_assignment_test.moc"
