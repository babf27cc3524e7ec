#include "core/plan/Plan.h"

#include "core/base/Validation.h"
#include "core/host/DockerCli.h"

#include <QJsonArray>
#include <QRegularExpression>

namespace myst {

QJsonObject planToJson(const Plan& plan)
{
    QJsonArray steps;
    for (const Step& s : plan.steps) {
        steps.append(QJsonObject{{QStringLiteral("id"), s.id},
                                 {QStringLiteral("title"), s.title},
                                 {QStringLiteral("role"), s.role},
                                 {QStringLiteral("kind"), stepKindName(s.kind)},
                                 {QStringLiteral("argv"), QJsonArray::fromStringList(s.argv)},
                                 {QStringLiteral("startsOutage"), s.startsOutage},
                                 {QStringLiteral("endsOutage"), s.endsOutage},
                                 {QStringLiteral("startsService"), s.startsService},
                                 {QStringLiteral("expectVersion"), s.expectVersion},
                                 {QStringLiteral("imageId"), s.imageId},
                                 {QStringLiteral("manifestId"), s.manifestId},
                                 {QStringLiteral("backupPath"), s.backupPath},
                                 {QStringLiteral("backupSha256"), s.backupSha256},
                                 {QStringLiteral("backupSize"), s.backupSize},
                                 {QStringLiteral("sourceRole"), s.sourceRole},
                                 {QStringLiteral("localPath"), s.localPath},
                                 {QStringLiteral("remotePath"), s.remotePath},
                                 {QStringLiteral("keepFile"), s.keepFile}});
    }
    return {{QStringLiteral("kind"), plan.kind},
            {QStringLiteral("approach"), plan.approach},
            {QStringLiteral("targetVersion"), plan.targetVersion},
            {QStringLiteral("steps"), steps}};
}

std::optional<Plan> planFromJson(const QJsonObject& json, QString* error)
{
    Plan plan;
    plan.kind = json.value(QStringLiteral("kind")).toString();
    plan.approach = json.value(QStringLiteral("approach")).toString();
    plan.targetVersion = json.value(QStringLiteral("targetVersion")).toString();
    const QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
    if (steps.isEmpty()) {
        *error = QStringLiteral("the journal holds no plan to resume (written by an older "
                                "version?)");
        return std::nullopt;
    }
    static const QRegularExpression word(QStringLiteral("^[a-z0-9-]{1,40}$"));
    for (const QJsonValue& v : steps) {
        const QJsonObject o = v.toObject();
        Step s;
        s.id = o.value(QStringLiteral("id")).toString();
        s.title = o.value(QStringLiteral("title")).toString();
        s.role = o.value(QStringLiteral("role")).toString();
        const std::optional<StepKind> kind = stepKindFromJson(o.value(QStringLiteral("kind")));
        for (const QJsonValue& a : o.value(QStringLiteral("argv")).toArray())
            s.argv << a.toString();
        s.startsOutage = o.value(QStringLiteral("startsOutage")).toBool();
        s.endsOutage = o.value(QStringLiteral("endsOutage")).toBool();
        s.startsService = o.value(QStringLiteral("startsService")).toBool();
        s.expectVersion = o.value(QStringLiteral("expectVersion")).toString();
        s.imageId = o.value(QStringLiteral("imageId")).toString();
        s.manifestId = o.value(QStringLiteral("manifestId")).toString();
        s.backupPath = o.value(QStringLiteral("backupPath")).toString();
        s.backupSha256 = o.value(QStringLiteral("backupSha256")).toString();
        s.backupSize = o.value(QStringLiteral("backupSize")).toInteger(-1);
        s.sourceRole = o.value(QStringLiteral("sourceRole")).toString();
        s.localPath = o.value(QStringLiteral("localPath")).toString();
        s.remotePath = o.value(QStringLiteral("remotePath")).toString();
        s.keepFile = o.value(QStringLiteral("keepFile")).toBool();
        // Commands are quoted when run, but a journal is a file: the executable must be an
        // absolute plain path or docker, and every value that reaches a host must be plain.
        const QString program = s.argv.value(0);
        // (the switch command runs on this computer: a local program's path, in its own form)
        const bool programOk = s.argv.isEmpty() || DockerCli::isDockerCommand(s.argv) ||
                               (kind == StepKind::SwitchTraffic ? isLocalProgramPath(program)
                                                                : isSafeAbsolutePath(program));
        const bool valuesOk = (s.imageId.isEmpty() || isValidImageId(s.imageId)) &&
                              (s.manifestId.isEmpty() || isImageDigest(s.manifestId)) &&
                              (s.backupPath.isEmpty() || isSafeAbsolutePath(s.backupPath)) &&
                              (s.backupSha256.isEmpty() || isSha256Hex(s.backupSha256)) &&
                              (s.remotePath.isEmpty() || isSafeAbsolutePath(s.remotePath)) &&
                              (s.expectVersion.isEmpty() || isValidVersion(s.expectVersion));
        if (!word.match(s.id).hasMatch() || !word.match(s.role).hasMatch() || !kind || !programOk ||
            !valuesOk) {
            *error = QStringLiteral("the journal's plan has a step that is not valid (\"%1\"); "
                                    "it was edited or damaged, so it is not resumed")
                         .arg(s.id.left(40));
            return std::nullopt;
        }
        s.kind = *kind;
        plan.steps << s;
    }
    return plan;
}

} // namespace myst
