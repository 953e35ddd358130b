using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace StarrOps.TestKit.Kubernetes;

/// <summary>
/// Reads the protobuf bodies kubectl sends through its typed clients (e.g. <c>kubectl create job</c>
/// POSTs <c>application/vnd.kubernetes.protobuf</c> and does not fall back to JSON): the <c>k8s\0</c>
/// magic, a runtime.Unknown envelope, then the object. Only the messages and fields of Jobs are known
/// (field numbers from k8s.io/api generated.proto); a non-empty unknown field is refused rather than
/// dropped. Zero values of non-pointer fields are left out, as JSON's omitempty leaves them out.
/// </summary>
internal static class FakeProtobuf
{
    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    private enum Kind { String, Int, Bool, Message, Inline, StringMap, QuantityMap, Time }

    private sealed record Field(string Name, Kind Kind, string? Message = null, bool Repeated = false, bool Pointer = false);

    private static Field S(string name, bool pointer = false) => new(name, Kind.String, Pointer: pointer);
    private static Field I(string name, bool pointer = false) => new(name, Kind.Int, Pointer: pointer);
    private static Field B(string name, bool pointer = false) => new(name, Kind.Bool, Pointer: pointer);
    private static Field M(string name, string message, bool repeated = false) => new(name, Kind.Message, message, repeated);

    private static readonly Dictionary<string, Dictionary<int, Field>> Messages = new()
    {
        ["Unknown"] = new() { [1] = M("typeMeta", "TypeMeta"), [2] = new("raw", Kind.String), [3] = S("contentEncoding"), [4] = S("contentType") },
        ["TypeMeta"] = new() { [1] = S("apiVersion"), [2] = S("kind") },
        ["ObjectMeta"] = new()
        {
            [1] = S("name"), [2] = S("generateName"), [3] = S("namespace"), [5] = S("uid"), [6] = S("resourceVersion"), [7] = I("generation"),
            [8] = new("creationTimestamp", Kind.Time), [11] = new("labels", Kind.StringMap), [12] = new("annotations", Kind.StringMap),
            [13] = M("ownerReferences", "OwnerReference", repeated: true), [14] = new("finalizers", Kind.String, Repeated: true),
        },
        ["OwnerReference"] = new() { [1] = S("kind"), [3] = S("name"), [4] = S("uid"), [5] = S("apiVersion"), [6] = B("controller", true), [7] = B("blockOwnerDeletion", true) },
        ["Job"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "JobSpec"), [3] = M("status", "JobStatus") },
        ["JobStatus"] = new(),
        ["JobSpec"] = new()
        {
            [1] = I("parallelism", true), [2] = I("completions", true), [3] = I("activeDeadlineSeconds", true), [4] = M("selector", "LabelSelector"),
            [5] = B("manualSelector", true), [6] = M("template", "PodTemplateSpec"), [7] = I("backoffLimit", true), [8] = I("ttlSecondsAfterFinished", true),
            [9] = S("completionMode", true), [10] = B("suspend", true), [12] = I("backoffLimitPerIndex", true), [13] = I("maxFailedIndexes", true),
            [14] = S("podReplacementPolicy", true), [15] = S("managedBy", true),
        },
        ["LabelSelector"] = new() { [1] = new("matchLabels", Kind.StringMap) },
        ["PodTemplateSpec"] = new() { [1] = M("metadata", "ObjectMeta"), [2] = M("spec", "PodSpec") },
        ["PodSpec"] = new()
        {
            [2] = M("containers", "Container", repeated: true), [3] = S("restartPolicy"), [4] = I("terminationGracePeriodSeconds", true),
            [5] = I("activeDeadlineSeconds", true), [6] = S("dnsPolicy"), [7] = new("nodeSelector", Kind.StringMap), [8] = S("serviceAccountName"),
            [9] = S("serviceAccount"), [10] = S("nodeName"), [11] = B("hostNetwork"), [12] = B("hostPID"), [13] = B("hostIPC"), [16] = S("hostname"),
            [17] = S("subdomain"), [19] = S("schedulerName"), [20] = M("initContainers", "Container", repeated: true),
            [21] = B("automountServiceAccountToken", true), [24] = S("priorityClassName"), [30] = B("enableServiceLinks", true),
            [35] = B("setHostnameAsFQDN", true), [37] = B("hostUsers", true),
        },
        ["Container"] = new()
        {
            [1] = S("name"), [2] = S("image"), [3] = new("command", Kind.String, Repeated: true), [4] = new("args", Kind.String, Repeated: true),
            [5] = S("workingDir"), [6] = M("ports", "ContainerPort", repeated: true), [7] = M("env", "EnvVar", repeated: true),
            [8] = M("resources", "ResourceRequirements"), [9] = M("volumeMounts", "VolumeMount", repeated: true), [13] = S("terminationMessagePath"),
            [14] = S("imagePullPolicy"), [16] = B("stdin"), [17] = B("stdinOnce"), [18] = B("tty"), [19] = M("envFrom", "EnvFromSource", repeated: true),
            [20] = S("terminationMessagePolicy"), [24] = S("restartPolicy", true),
        },
        ["ContainerPort"] = new() { [1] = S("name"), [2] = I("hostPort"), [3] = I("containerPort"), [4] = S("protocol"), [5] = S("hostIP") },
        ["EnvVar"] = new() { [1] = S("name"), [2] = S("value") },
        ["EnvFromSource"] = new() { [1] = S("prefix"), [2] = M("configMapRef", "ConfigMapEnvSource"), [3] = M("secretRef", "SecretEnvSource") },
        ["ConfigMapEnvSource"] = new() { [1] = new("", Kind.Inline, "LocalObjectReference"), [2] = B("optional", true) },
        ["SecretEnvSource"] = new() { [1] = new("", Kind.Inline, "LocalObjectReference"), [2] = B("optional", true) },
        ["LocalObjectReference"] = new() { [1] = S("name") },
        ["ResourceRequirements"] = new() { [1] = new("limits", Kind.QuantityMap), [2] = new("requests", Kind.QuantityMap) },
        ["VolumeMount"] = new() { [1] = S("name"), [2] = B("readOnly"), [3] = S("mountPath"), [4] = S("subPath") },
    };

    public static bool IsProtobuf(string? contentType) =>
        contentType?.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal) == true;

    /// <summary>The object as JSON (apiVersion and kind from the envelope), or null with the reason.</summary>
    public static JsonObject? TryDecode(byte[] body, out string? error)
    {
        error = null;
        try
        {
            if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic)) throw new FormatException("the body does not start with the k8s protobuf magic");
            var envelope = new Reader(body, Magic.Length, body.Length);
            byte[]? raw = null;
            string? apiVersion = null, kind = null;
            while (envelope.More)
            {
                var (number, wireType) = envelope.Tag();
                var bytes = envelope.Bytes(wireType);
                if (number == 1)
                {
                    var typeMeta = Decode("TypeMeta", bytes);
                    apiVersion = (string?)typeMeta["apiVersion"];
                    kind = (string?)typeMeta["kind"];
                }
                else if (number == 2) raw = bytes;
            }
            if (raw is null || kind is null) throw new FormatException("the runtime.Unknown envelope has no object");
            if (!Messages.ContainsKey(kind)) throw new FormatException($"this fake API server reads {kind} only as JSON");
            var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
            foreach (var (key, value) in Decode(kind, raw)) obj[key] = value?.DeepClone();
            return obj;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private static JsonObject Decode(string message, byte[] data)
    {
        var fields = Messages[message];
        var result = new JsonObject();
        var reader = new Reader(data, 0, data.Length);
        while (reader.More)
        {
            var (number, wireType) = reader.Tag();
            if (!fields.TryGetValue(number, out var field))
            {
                if (!reader.SkipIfEmpty(wireType)) throw new FormatException($"field {number} of {message} is not known to this fake API server");
                continue;
            }
            switch (field.Kind)
            {
                case Kind.Inline:
                    foreach (var (key, value) in Decode(field.Message!, reader.Bytes(wireType))) result[key] = value?.DeepClone();
                    continue;
                case Kind.StringMap or Kind.QuantityMap:
                    var map = result[field.Name] as JsonObject ?? [];
                    var entry = new Reader(reader.Bytes(wireType));
                    string key2 = "", value2 = "";
                    while (entry.More)
                    {
                        var (n, w) = entry.Tag();
                        var bytes = entry.Bytes(w);
                        if (n == 1) key2 = Encoding.UTF8.GetString(bytes);
                        else if (n == 2) value2 = field.Kind == Kind.QuantityMap ? Quantity(bytes) : Encoding.UTF8.GetString(bytes);
                    }
                    map[key2] = value2;
                    result[field.Name] = map;
                    continue;
            }
            JsonNode? node = field.Kind switch
            {
                Kind.String => Encoding.UTF8.GetString(reader.Bytes(wireType)),
                Kind.Int => reader.Varint(),
                Kind.Bool => reader.Varint() != 0,
                Kind.Time => Time(reader.Bytes(wireType)),
                Kind.Message => Decode(field.Message!, reader.Bytes(wireType)),
                _ => null,
            };
            if (field.Repeated)
            {
                var list = result[field.Name] as JsonArray ?? [];
                list.Add(node);
                result[field.Name] = list;
            }
            else if (field.Pointer || !IsZero(node))
            {
                result[field.Name] = node;
            }
        }
        return result;
    }

    private static bool IsZero(JsonNode? node) => node switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        _ => false,
    };

    private static string Quantity(byte[] bytes)
    {
        var reader = new Reader(bytes);
        var text = "";
        while (reader.More)
        {
            var (n, w) = reader.Tag();
            var value = reader.Bytes(w);
            if (n == 1) text = Encoding.UTF8.GetString(value);
        }
        return text;
    }

    // metav1.Time: {seconds, nanos}; the zero time arrives as an empty message and is JSON null, i.e. left out.
    private static JsonNode? Time(byte[] bytes)
    {
        var reader = new Reader(bytes);
        long seconds = 0;
        while (reader.More)
        {
            var (n, w) = reader.Tag();
            if (n == 1 && w == 0) seconds = reader.Varint();
            else reader.Bytes(w);
        }
        return seconds is 0 or <= -62135596800 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private sealed class Reader(byte[] data, int position, int end)
    {
        private int _position = position;

        public Reader(byte[] data) : this(data, 0, data.Length) { }

        public bool More => _position < end;

        public (int Number, int WireType) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public long Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (_position >= end) throw new FormatException("truncated varint");
                var b = data[_position++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0) return (long)result;
            }
            throw new FormatException("varint too long");
        }

        /// <summary>A length-delimited value (wire type 2); other wire types are read and given as empty.</summary>
        public byte[] Bytes(int wireType)
        {
            switch (wireType)
            {
                case 2:
                    var length = (int)Varint();
                    if (length < 0 || _position + length > end) throw new FormatException("truncated field");
                    var bytes = data.AsSpan(_position, length).ToArray();
                    _position += length;
                    return bytes;
                case 0:
                    Varint();
                    return [];
                case 1:
                    _position += 8;
                    return [];
                case 5:
                    _position += 4;
                    return [];
                default:
                    throw new FormatException($"wire type {wireType} is not supported");
            }
        }

        /// <summary>Skips a field of an unknown number; false when it held a non-zero value.</summary>
        public bool SkipIfEmpty(int wireType) => wireType switch
        {
            0 => Varint() == 0,
            2 => Bytes(2).Length == 0,
            _ => false,
        };
    }
}
