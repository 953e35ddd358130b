using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>A container of a fake pod or pod template.</summary>
public sealed record FakeContainerSpec(string Name, string Image, int[]? Ports = null, (string Volume, string MountPath)[]? Mounts = null, string[]? Command = null);

/// <summary>
/// Builders of objects in the shapes kube-apiserver returns (the server stamps uid, resourceVersion and
/// creationTimestamp when they are added).
/// </summary>
public static class FakeKubernetesObjects
{
    public static JsonObject NewNamespace(string name) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name } },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    /// <summary>A Secret; <paramref name="values"/> are stored base64-encoded in <c>data</c>, as the API returns them.</summary>
    public static JsonObject NewSecret(string @namespace, string name, IReadOnlyDictionary<string, string> values, string type = "Opaque")
    {
        var data = new JsonObject();
        foreach (var (key, value) in values) data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(value));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = Metadata(@namespace, name, null),
            ["data"] = data,
            ["type"] = type,
        };
    }

    public static JsonObject NewConfigMap(string @namespace, string name, IReadOnlyDictionary<string, string> data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = Metadata(@namespace, name, null),
        ["data"] = new JsonObject(data.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
    };

    public static JsonObject NewService(string @namespace, string name, int port, IReadOnlyDictionary<string, string>? selector = null, string portName = "http",
        string clusterIp = "10.43.0.10") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(@namespace, name, new Dictionary<string, string> { ["app"] = name }),
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = clusterIp,
            ["clusterIPs"] = new JsonArray(clusterIp),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = portName, ["protocol"] = "TCP", ["port"] = port, ["targetPort"] = portName }),
            ["selector"] = Map(selector ?? new Dictionary<string, string> { ["app"] = name }),
            ["sessionAffinity"] = "None",
            ["internalTrafficPolicy"] = "Cluster",
            ["ipFamilies"] = new JsonArray("IPv4"),
            ["ipFamilyPolicy"] = "SingleStack",
        },
        ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
    };

    /// <summary>A running, ready pod (phase Running, conditions, container statuses, an IP).</summary>
    /// <param name="volumes">The pod's volumes, e.g. <see cref="PersistentVolumeClaimVolume"/>.</param>
    public static JsonObject NewPod(string @namespace, string name, IReadOnlyDictionary<string, string> labels, IReadOnlyList<FakeContainerSpec> containers,
        IEnumerable<JsonObject>? volumes = null, string podIp = "10.42.0.20", string phase = "Running", (string Kind, string Name)? owner = null)
    {
        var metadata = Metadata(@namespace, name, labels);
        if (owner is { } o)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = o.Kind is "Job" ? "batch/v1" : "apps/v1",
                ["kind"] = o.Kind,
                ["name"] = o.Name,
                ["uid"] = Guid.NewGuid().ToString(),
                ["controller"] = true,
                ["blockOwnerDeletion"] = true,
            });
        }
        var running = phase == "Running";
        var now = Timestamp(DateTime.UtcNow.AddMinutes(-30));
        var conditionStatus = running ? "True" : "False";
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(containers.Select(c => (JsonNode?)Container(c)).ToArray()),
                ["volumes"] = new JsonArray((volumes ?? []).Select(v => (JsonNode?)v.DeepClone()).ToArray()),
                ["restartPolicy"] = owner?.Kind == "Job" ? "Never" : "Always",
                ["serviceAccountName"] = "default",
                ["nodeName"] = "node-1",
                ["dnsPolicy"] = "ClusterFirst",
            },
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["conditions"] = new JsonArray(
                    Condition("PodReadyToStartContainers", "True", now), Condition("Initialized", "True", now),
                    Condition("Ready", conditionStatus, now), Condition("ContainersReady", conditionStatus, now), Condition("PodScheduled", "True", now)),
                ["hostIP"] = "192.168.1.10",
                ["podIP"] = podIp,
                ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp }),
                ["startTime"] = now,
                ["containerStatuses"] = new JsonArray(containers.Select(c => (JsonNode?)new JsonObject
                {
                    ["name"] = c.Name,
                    ["state"] = running
                        ? new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } }
                        : new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = phase == "Succeeded" ? 0 : 1, ["reason"] = phase == "Succeeded" ? "Completed" : "Error" } },
                    ["ready"] = running,
                    ["restartCount"] = 0,
                    ["image"] = c.Image,
                    ["imageID"] = c.Image + "@sha256:" + new string('0', 64),
                    ["started"] = running,
                }).ToArray()),
                ["qosClass"] = "BestEffort",
            },
        };
    }

    public static JsonObject PersistentVolumeClaimVolume(string name, string claimName) =>
        new() { ["name"] = name, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claimName } };

    public static JsonObject NewStatefulSet(string @namespace, string name, int replicas, IReadOnlyList<FakeContainerSpec> containers) =>
        Workload("StatefulSet", @namespace, name, replicas, containers, spec => spec["serviceName"] = name);

    public static JsonObject NewDeployment(string @namespace, string name, int replicas, IReadOnlyList<FakeContainerSpec> containers) =>
        Workload("Deployment", @namespace, name, replicas, containers, spec => spec["strategy"] = new JsonObject { ["type"] = "Recreate" });

    /// <summary>A CronJob whose job runs <paramref name="command"/> with the env of the starr-secrets Secret and starr-common-config ConfigMap.</summary>
    public static JsonObject NewCronJob(string @namespace, string name, string schedule, string image, string[] command, string serviceAccount = "starrops")
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name };
        return new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "CronJob",
            ["metadata"] = Metadata(@namespace, name, labels),
            ["spec"] = new JsonObject
            {
                ["schedule"] = schedule,
                ["concurrencyPolicy"] = "Forbid",
                ["suspend"] = false,
                ["successfulJobsHistoryLimit"] = 3,
                ["failedJobsHistoryLimit"] = 1,
                ["jobTemplate"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = Map(labels), ["annotations"] = new JsonObject { ["starrops.io/template"] = "reconcile" } },
                    ["spec"] = new JsonObject
                    {
                        ["backoffLimit"] = 0,
                        ["template"] = new JsonObject
                        {
                            ["metadata"] = new JsonObject { ["labels"] = Map(labels) },
                            ["spec"] = new JsonObject
                            {
                                ["serviceAccountName"] = serviceAccount,
                                ["restartPolicy"] = "Never",
                                ["containers"] = new JsonArray(new JsonObject
                                {
                                    ["name"] = name,
                                    ["image"] = image,
                                    ["command"] = new JsonArray(command.Select(c => (JsonNode?)c).ToArray()),
                                    ["envFrom"] = new JsonArray(
                                        new JsonObject { ["secretRef"] = new JsonObject { ["name"] = "starr-secrets" } },
                                        new JsonObject { ["configMapRef"] = new JsonObject { ["name"] = "starr-common-config" } }),
                                    ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["memory"] = "128Mi" } },
                                }),
                            },
                        },
                    },
                },
            },
            ["status"] = new JsonObject(),
        };
    }

    public static JsonObject NewIngress(string @namespace, string name, string host, string serviceName, int servicePort, string? tlsSecretName = null)
    {
        var spec = new JsonObject
        {
            ["ingressClassName"] = "nginx",
            ["rules"] = new JsonArray(new JsonObject
            {
                ["host"] = host,
                ["http"] = new JsonObject
                {
                    ["paths"] = new JsonArray(new JsonObject
                    {
                        ["path"] = "/",
                        ["pathType"] = "Prefix",
                        ["backend"] = new JsonObject { ["service"] = new JsonObject { ["name"] = serviceName, ["port"] = new JsonObject { ["number"] = servicePort } } },
                    }),
                },
            }),
        };
        if (tlsSecretName is not null) spec["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray(host), ["secretName"] = tlsSecretName });
        return new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = Metadata(@namespace, name, null),
            ["spec"] = spec,
            ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = new JsonArray(new JsonObject { ["ip"] = "192.168.1.10" }) } },
        };
    }

    /// <summary>What the API server fills in on a new Job: selector and template labels by controller uid, defaults, empty status.</summary>
    internal static void DefaultJob(JsonObject job)
    {
        var metadata = job["metadata"]!.AsObject();
        var uid = Guid.NewGuid().ToString();
        metadata["uid"] = uid;
        var name = metadata["name"]!.GetValue<string>();
        var spec = job["spec"] as JsonObject ?? [];
        job["spec"] = spec;
        spec["parallelism"] ??= 1;
        spec["completions"] ??= 1;
        spec["backoffLimit"] ??= 6;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["podReplacementPolicy"] ??= "TerminatingOrFailed";
        spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
        var template = spec["template"] as JsonObject ?? [];
        spec["template"] = template;
        var templateMetadata = template["metadata"] as JsonObject ?? [];
        template["metadata"] = templateMetadata;
        var labels = templateMetadata["labels"] as JsonObject ?? [];
        templateMetadata["labels"] = labels;
        labels["batch.kubernetes.io/controller-uid"] = uid;
        labels["batch.kubernetes.io/job-name"] = name;
        labels["controller-uid"] = uid;
        labels["job-name"] = name;
        job["status"] = new JsonObject();
    }

    /// <summary>The pod a Job ran, ended.</summary>
    internal static JsonObject NewJobPod(JsonObject job, string podName, bool succeeded)
    {
        var ns = job["metadata"]!["namespace"]!.GetValue<string>();
        var template = job["spec"]?["template"];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (template?["metadata"]?["labels"] is JsonObject templateLabels)
        {
            foreach (var (key, value) in templateLabels) labels[key] = value!.GetValue<string>();
        }
        var containers = (template?["spec"]?["containers"] as JsonArray ?? [])
            .Select(c => new FakeContainerSpec(c!["name"]!.GetValue<string>(), c["image"]?.GetValue<string>() ?? "")).ToList();
        var pod = NewPod(ns, podName, labels, containers, podIp: "10.42.0.99", phase: succeeded ? "Succeeded" : "Failed",
            owner: ("Job", job["metadata"]!["name"]!.GetValue<string>()));
        pod["metadata"]!["ownerReferences"]![0]!["uid"] = job["metadata"]!["uid"]!.DeepClone();
        return pod;
    }

    internal static void FinishJob(JsonObject job, bool succeeded)
    {
        var now = Timestamp(DateTime.UtcNow);
        var status = new JsonObject { ["startTime"] = now, ["ready"] = 0, ["terminating"] = 0 };
        if (succeeded)
        {
            status["completionTime"] = now;
            status["succeeded"] = 1;
            status["uncountedTerminatedPods"] = new JsonObject();
            status["conditions"] = new JsonArray(Condition("SuccessCriteriaMet", "True", now), Condition("Complete", "True", now));
        }
        else
        {
            status["failed"] = 1;
            status["uncountedTerminatedPods"] = new JsonObject();
            status["conditions"] = new JsonArray(
                Condition("FailureTarget", "True", now, "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                Condition("Failed", "True", now, "BackoffLimitExceeded", "Job has reached the specified backoff limit"));
        }
        job["status"] = status;
    }

    private static JsonObject Workload(string kind, string @namespace, string name, int replicas, IReadOnlyList<FakeContainerSpec> containers, Action<JsonObject> extra)
    {
        var labels = new Dictionary<string, string> { ["app"] = name };
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = Map(labels) },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = Map(labels) },
                ["spec"] = new JsonObject { ["containers"] = new JsonArray(containers.Select(c => (JsonNode?)Container(c)).ToArray()) },
            },
        };
        extra(spec);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = kind,
            ["metadata"] = Metadata(@namespace, name, labels),
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["observedGeneration"] = 1,
                ["replicas"] = replicas,
                ["readyReplicas"] = replicas,
                ["availableReplicas"] = replicas,
                ["updatedReplicas"] = replicas,
            },
        };
    }

    private static JsonObject Container(FakeContainerSpec c)
    {
        var container = new JsonObject { ["name"] = c.Name, ["image"] = c.Image };
        if (c.Command is not null) container["command"] = new JsonArray(c.Command.Select(a => (JsonNode?)a).ToArray());
        if (c.Ports is not null)
            container["ports"] = new JsonArray(c.Ports.Select(p => (JsonNode?)new JsonObject { ["containerPort"] = p, ["protocol"] = "TCP" }).ToArray());
        if (c.Mounts is not null)
            container["volumeMounts"] = new JsonArray(c.Mounts.Select(m => (JsonNode?)new JsonObject { ["name"] = m.Volume, ["mountPath"] = m.MountPath }).ToArray());
        container["imagePullPolicy"] = "IfNotPresent";
        container["terminationMessagePath"] = "/dev/termination-log";
        container["terminationMessagePolicy"] = "File";
        return container;
    }

    private static JsonObject Metadata(string @namespace, string name, IReadOnlyDictionary<string, string>? labels)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = @namespace };
        if (labels is not null) metadata["labels"] = Map(labels);
        return metadata;
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) => new(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));

    private static JsonObject Condition(string type, string status, string time, string? reason = null, string? message = null)
    {
        var condition = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = time };
        if (reason is not null) condition["reason"] = reason;
        if (message is not null) condition["message"] = message;
        return condition;
    }

    private static string Timestamp(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
