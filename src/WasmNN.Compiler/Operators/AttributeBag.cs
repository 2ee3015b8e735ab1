using WasmNN.Compiler.IR;

namespace WasmNN.Compiler.Operators;

/// <summary>
/// Raw ONNX attributes of one node, by name: long, float, string, long[], float[], string[] or <see cref="Tensor"/>.
/// Operators read them with ONNX defaults into their typed attribute records.
/// </summary>
public sealed class AttributeBag
{
    private readonly Dictionary<string, object> _values;

    /// <summary>Creates a bag from name/value pairs.</summary>
    public AttributeBag(IEnumerable<KeyValuePair<string, object>> values) => _values = new(values);

    /// <summary>Creates a bag from name/value pairs.</summary>
    public AttributeBag(params (string Name, object Value)[] values) => _values = values.ToDictionary(v => v.Name, v => v.Value);

    /// <summary>An empty bag.</summary>
    public static AttributeBag Empty { get; } = new(Array.Empty<(string, object)>());

    /// <summary>
    /// Number of outputs the node declares (Split needs it to know how many parts to make). Set by whoever builds
    /// the node; not an ONNX attribute.
    /// </summary>
    public int OutputCount { get; init; } = 1;

    /// <summary>How many inputs the node declares (before any captured outer values of its subgraphs).</summary>
    public int InputCount { get; init; }

    /// <summary>Attribute names present.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>True when the attribute is present.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The raw value, or null.</summary>
    public object? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>An integer attribute.</summary>
    public long GetInt(string name, long defaultValue) => _values.TryGetValue(name, out var v) ? v switch
    {
        long l => l,
        int i => i,
        _ => throw Mismatch(name, "an integer", v),
    } : defaultValue;

    /// <summary>A float attribute (integers are accepted).</summary>
    public float GetFloat(string name, float defaultValue) => _values.TryGetValue(name, out var v) ? v switch
    {
        float f => f,
        double d => (float)d,
        long l => l,
        _ => throw Mismatch(name, "a float", v),
    } : defaultValue;

    /// <summary>A string attribute.</summary>
    public string GetString(string name, string defaultValue) => _values.TryGetValue(name, out var v) ? v as string ?? throw Mismatch(name, "a string", v) : defaultValue;

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public long[]? GetInts(string name) => _values.TryGetValue(name, out var v) ? v switch
    {
        long[] l => l,
        int[] i => [.. i.Select(x => (long)x)],
        long l => [l],
        _ => throw Mismatch(name, "a list of integers", v),
    } : null;

    /// <summary>A float-list attribute, or null when absent.</summary>
    public float[]? GetFloats(string name) => _values.TryGetValue(name, out var v) ? v switch
    {
        float[] f => f,
        _ => throw Mismatch(name, "a list of floats", v),
    } : null;

    /// <summary>A string-list attribute, or null when absent.</summary>
    public string[]? GetStrings(string name) => _values.TryGetValue(name, out var v) ? v switch
    {
        string[] s => s,
        string s => [s],
        _ => throw Mismatch(name, "a list of strings", v),
    } : null;

    /// <summary>A tensor attribute, or null when absent.</summary>
    public Tensor? GetTensor(string name) => _values.TryGetValue(name, out var v) ? v as Tensor ?? throw Mismatch(name, "a tensor", v) : null;

    private static OperatorException Mismatch(string name, string expected, object actual) =>
        new($"attribute '{name}' must be {expected}, got {actual.GetType().Name}");
}
