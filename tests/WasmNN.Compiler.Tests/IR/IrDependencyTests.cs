using System.Reflection;
using System.Text.RegularExpressions;
using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Tests.IR;

/// <summary>
/// The IR sits below the operators: Operators/ implements the IR's <see cref="Operator"/> contract and the IR never
/// names an operator, the registry or anything else in the Operators namespace (no cycle between the two).
/// </summary>
public sealed partial class IrDependencyTests
{
    private const string OperatorsNamespace = "WasmNN.Compiler.Operators";

    private static IEnumerable<Type> IrTypes() =>
        typeof(Graph).Assembly.GetTypes().Where(t => t.Namespace == typeof(Graph).Namespace);

    [Fact]
    public void IrTypes_Signatures_ReferenceNoOperatorsType()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders = new List<string>();
        foreach (var type in IrTypes())
        {
            var referenced = new List<(string Where, Type Type)>();
            if (type.BaseType is { } baseType) referenced.Add(("base type", baseType));
            referenced.AddRange(type.GetInterfaces().Select(i => ("interface", i)));
            referenced.AddRange(type.GetFields(all).Select(f => (f.Name, f.FieldType)));
            referenced.AddRange(type.GetProperties(all).Select(p => (p.Name, p.PropertyType)));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                referenced.AddRange(method.GetParameters().Select(p => ($"{method.Name}({p.Name})", p.ParameterType)));
                if (method is MethodInfo info) referenced.Add(($"{method.Name} return", info.ReturnType));
                if (method.GetMethodBody() is { } body) referenced.AddRange(body.LocalVariables.Select(l => ($"{method.Name} local", l.LocalType)));
            }
            offenders.AddRange(referenced.Where(r => Mentions(r.Type)).Select(r => $"{type.FullName}.{r.Where}: {r.Type.FullName}"));
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void IrSources_NameNothingInOperatorsNamespace()
    {
        // Method bodies are not visible to reflection: the sources must not import or qualify the namespace.
        var irFolder = Path.Combine(RepositoryPaths.Root, "src", "WasmNN.Compiler", "IR");
        var offenders = Directory.EnumerateFiles(irFolder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(l => OperatorsReference().IsMatch(l.line))
            .Select(l => $"{Path.GetFileName(l.file)}:{l.i + 1}: {l.line.Trim()}")
            .ToList();

        Assert.NotEmpty(Directory.EnumerateFiles(irFolder, "*.cs"));
        Assert.Empty(offenders);
    }

    private static bool Mentions(Type type) =>
        type.Namespace == OperatorsNamespace
        || (type.HasElementType && Mentions(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(Mentions));

    [GeneratedRegex(@"\bOperators\s*\.|OperatorRegistry|\bOnnxOperator\b")]
    private static partial Regex OperatorsReference();
}
