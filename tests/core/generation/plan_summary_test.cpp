#include <QtTest>

#include "core/generation/jobs_plan.h"
#include "core/generation/plan_summary.h"
#include "core/store/project.h"
#include "jobs_fixture.h"
#include "support/test_data.h"

using namespace backdrop;

class PlanSummaryTest : public QObject {
  Q_OBJECT

 private slots:
  void everyFactorIsCounted() {
    std::vector<VariantInputs> plan;
    for (const auto* product : {"p1", "p2", "p3"}) {
      for (const auto* prompt : {"marble", "linen"}) {
        for (const auto* placement : {"square", "story", "landscape"}) {
          for (const auto* colour : {"", "#336699"}) {
            auto inputs = make_variant_inputs();
            inputs.product_id = product;
            inputs.prompt = prompt;
            inputs.placement.name = placement;
            inputs.colour = colour;
            plan.push_back(inputs);
          }
        }
      }
    }
    const auto summary = summarize_plan(plan);
    QCOMPARE(summary.products, size_t{3});
    QCOMPARE(summary.min_prompts, size_t{2});
    QCOMPARE(summary.placements, size_t{3});
    QCOMPARE(summary.colours, size_t{2});
    QCOMPARE(summary.seeds, size_t{1});
    QCOMPARE(summary.variants, size_t{36});
    QCOMPARE(describe_plan(summary),
             std::string("3 products \u00d7 2 prompts \u00d7 3 placements \u00d7 2 colours = 36 "
                         "variants"));
  }

  // A project plan: shoes have an approved set of two prompts, bags fall back to the default one.
  void projectPlanWithPromptsPlacementsAndSeeds() {
    const auto dir = test::scratch_dir("plan-summary");
    const auto file = test::make_job_project(dir, 4);
    {
      auto project = Project::open(file);
      project.placements().save({0, "square", 64, 64});
      project.placements().save({0, "story", 36, 64});
      const auto set = project.prompts().add_version("shoes", "ana", {{0, "marble", "", ""}, {0, "linen", "", ""}});
      project.prompts().set_approval(set.id, Approval::approved, "test");
    }
    const auto plan = test::plan_job(file, 2);
    const auto summary = summarize_plan(plan);
    QCOMPARE(summary.products, size_t{4});
    QCOMPARE(summary.min_prompts, size_t{1});
    QCOMPARE(summary.max_prompts, size_t{2});
    QCOMPARE(summary.placements, size_t{3});  // the fixture's "tiny", square and story
    QCOMPARE(summary.seeds, size_t{2});
    QCOMPARE(summary.variants, size_t{(2 * 2 + 2 * 1) * 3 * 2});
    QCOMPARE(describe_plan(summary),
             std::string("4 products \u00d7 1\u20132 prompts \u00d7 3 placements \u00d7 1 colour "
                         "\u00d7 2 seeds = 36 variants"));
  }
};

QTEST_GUILESS_MAIN(PlanSummaryTest)
#include "plan_summary_test.moc"
