#include "ui/variant_caption.h"

#include <QFontMetrics>
#include <QObject>
#include <QStringList>
#include <nlohmann/json.hpp>

#include "core/generation/variant_description.h"
#include "core/rendering/variant_rendering.h"
#include "core/store/variant_repository.h"

namespace backdrop::ui {
namespace {

QString stars(int count) {
  return QString(count, QChar(0x2605));
}

QString stateLine(const StoredVariant& variant) {
  QString line = QString::fromStdString(to_string(variant.status));
  if (variant.stars.value_or(0) > 0) line += " " + stars(*variant.stars);
  if (!variant.flag_reasons.empty()) line += ": " + QString::fromStdString(variant.flag_reasons.front());
  return line;
}

QString scoreText(const StoredVariant& variant) {
  const auto score = variant.worst_artifact_score();
  return score ? QObject::tr("artifact %1").arg(*score, 0, 'f', 2) : QObject::tr("artifact not scored");
}

QString scoresToolTip(const StoredVariant& variant) {
  QStringList lines;
  for (const auto& [name, score] : variant.artifact_scores) {
    lines << QObject::tr("artifact %1: %2").arg(QString::fromStdString(name)).arg(score, 0, 'f', 3);
  }
  return lines.join('\n');
}

}  // namespace

VariantCaption variantCaption(const StoredVariant& variant, const QFontMetrics& metrics, int width) {
  VariantCaption caption;
  caption.state = stateLine(variant);
  QStringList tip{QObject::tr("variant %1 · key %2")
                      .arg(variant.id)
                      .arg(QString::fromStdString(variant.variant_key.substr(0, 12)))};
  try {
    const auto inputs = variant_inputs_from_json(nlohmann::json::parse(variant.inputs_json));
    const QString colour = inputs.colour.empty() ? QObject::tr("no colour") : QString::fromStdString(inputs.colour);
    // The prompt as it was painted ("a Red clogs on ..."), not its template ("a {product} on ...").
    const QString prompt = QString::fromStdString(painted_prompts(inputs).prompt);
    tip << QObject::tr("painted prompt: %1").arg(prompt);
    caption.text = QStringList{caption.state, metrics.elidedText(prompt, Qt::ElideRight, width),
                               QString::fromStdString(inputs.placement.name) + " · " + colour,
                               QObject::tr("seed %1 · %2").arg(inputs.seed).arg(scoreText(variant))}
                       .join('\n');
    for (const auto& [label, value] : describe_variant_inputs(inputs)) {
      tip << QString::fromStdString(label) + ": " + QString::fromStdString(value);
    }
  } catch (const std::exception& error) {  // a record written by an older or damaged engine
    caption.text = caption.state + "\n" + scoreText(variant);
    tip << QObject::tr("planned inputs unreadable: %1").arg(QString::fromStdString(error.what()));
  }
  if (const QString scores = scoresToolTip(variant); !scores.isEmpty()) tip << scores;
  caption.toolTip = tip.join('\n');
  return caption;
}

}  // namespace backdrop::ui
