namespace System.Runtime.CompilerServices;

/// <summary>
/// Honoured by the runtime (matched by name): a dynamic assembly carrying it may access the named assembly's
/// internal members. Applied to the assemblies the engine emits.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The assembly whose internals become accessible.</summary>
    public string AssemblyName { get; } = assemblyName;
}
