namespace StarrOps.Core.Kubernetes;

/// <summary>
/// What a request does, in the terms of RBAC (verb, resource, namespace, name), so that every error can
/// say which call failed and which permission a Role would need.
/// </summary>
public sealed record KubernetesOperation(string Verb, KubernetesApiResource Resource, string? Namespace, string? Name = null,
    string? Subresource = null, string? LabelSelector = null)
{
    /// <summary>"secrets", "pods/exec", "statefulsets/scale": the resource as a Role's rule names it.</summary>
    public string ResourceName => Subresource is null ? Resource.Plural : $"{Resource.Plural}/{Subresource}";

    /// <summary><c>get secrets "starr-secrets" in namespace "media"</c>.</summary>
    public override string ToString()
    {
        var text = $"{Verb} {ResourceName}";
        if (Name is not null) text += $" \"{Name}\"";
        if (!string.IsNullOrEmpty(LabelSelector)) text += $" with labels {LabelSelector}";
        if (Namespace is not null) text += $" in namespace \"{Namespace}\"";
        return text;
    }

    /// <summary>The RBAC rule that allows this call, as it is written in a Role.</summary>
    public string RequiredRule =>
        $"{{apiGroups: [\"{Resource.Group}\"], resources: [\"{ResourceName}\"], verbs: [\"{Verb}\"]}}";
}
