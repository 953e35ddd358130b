using System.Text.Json.Nodes;

namespace StarrOps.Core.Kubernetes;

/// <summary>
/// The Job that <c>kubectl create job NAME --from=cronjob/CRON</c> creates: the CronJob's jobTemplate
/// spec, its labels, its annotations plus <c>cronjob.kubernetes.io/instantiate: manual</c>, and an
/// ownerReference to the CronJob (so deleting the CronJob deletes the Job, and history limits apply).
/// </summary>
internal static class JobFromCronJob
{
    public const string InstantiateAnnotation = "cronjob.kubernetes.io/instantiate";

    public static JsonObject Build(JsonObject cronJob, string jobName, string @namespace)
    {
        var cronJobName = KubeJson.String(cronJob["metadata"], "name") ?? "";
        var template = cronJob["spec"]?["jobTemplate"] as JsonObject
            ?? throw new InvalidDataException($"CronJob \"{cronJobName}\" has no spec.jobTemplate.");
        var templateMetadata = template["metadata"] as JsonObject;

        var annotations = new JsonObject { [InstantiateAnnotation] = "manual" };
        if (templateMetadata?["annotations"] is JsonObject templateAnnotations)
        {
            foreach (var (key, value) in templateAnnotations) annotations[key] = value?.DeepClone();
        }

        var metadata = new JsonObject
        {
            ["name"] = jobName,
            ["namespace"] = @namespace,
            ["annotations"] = annotations,
        };
        if (templateMetadata?["labels"] is JsonObject labels) metadata["labels"] = labels.DeepClone();
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = KubernetesApiResource.CronJobs.ApiVersion,
            ["kind"] = KubernetesApiResource.CronJobs.Kind,
            ["name"] = cronJobName,
            ["uid"] = KubeJson.String(cronJob["metadata"], "uid"),
            ["controller"] = true,
        });

        return new JsonObject
        {
            ["apiVersion"] = KubernetesApiResource.Jobs.ApiVersion,
            ["kind"] = KubernetesApiResource.Jobs.Kind,
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
