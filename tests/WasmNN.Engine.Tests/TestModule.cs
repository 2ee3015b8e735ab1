using System.Text;

namespace WasmNN.Engine.Tests;

/// <summary>
/// Assembles small binary modules byte by byte for focused tests (one function type per function, no tables),
/// so the tests depend on nothing but the binary format specification.
/// </summary>
internal sealed class TestModule
{
    private readonly List<(byte[] Parameters, byte[] Results)> _types = [];
    private readonly List<(string Module, string Name, int Type)> _imports = [];
    private readonly List<(int Type, byte[] Locals, byte[] Body, string? Name, string? Export)> _functions = [];
    private (int Minimum, int? Maximum, string? Export)? _memory;

    public const byte I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, F64 = 0x7C;

    public int ImportFunction(string module, string name, byte[] parameters, byte[] results)
    {
        _imports.Add((module, name, AddType(parameters, results)));
        return _imports.Count - 1;
    }

    /// <summary>Adds a function; <paramref name="body"/> is its instructions without the final end. Returns its index.</summary>
    public int AddFunction(byte[] parameters, byte[] results, byte[] body, string? name = null, string? export = null, byte[]? locals = null)
    {
        _functions.Add((AddType(parameters, results), locals ?? [0x00], body, name, export));
        return _imports.Count + _functions.Count - 1;
    }

    public TestModule WithMemory(int minimum, int? maximum = null, string? export = "memory")
    {
        _memory = (minimum, maximum, export);
        return this;
    }

    public byte[] Build()
    {
        var file = new List<byte> { 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 };
        Section(file, 1, Vector(_types.Select(t => (byte[])[0x60, .. Vector(t.Parameters.Select(p => new[] { p })), .. Vector(t.Results.Select(r => new[] { r }))])));
        if (_imports.Count > 0) Section(file, 2, Vector(_imports.Select(i => (byte[])[.. Name(i.Module), .. Name(i.Name), 0x00, .. Leb((uint)i.Type)])));
        Section(file, 3, Vector(_functions.Select(f => Leb((uint)f.Type))));
        if (_memory is { } m)
        {
            Section(file, 5, Vector([m.Maximum is int max ? [0x01, .. Leb((uint)m.Minimum), .. Leb((uint)max)] : [0x00, .. Leb((uint)m.Minimum)]]));
        }
        var exports = new List<byte[]>();
        for (int i = 0; i < _functions.Count; i++)
        {
            if (_functions[i].Export is string e) exports.Add([.. Name(e), 0x00, .. Leb((uint)(_imports.Count + i))]);
        }
        if (_memory?.Export is string memoryExport) exports.Add([.. Name(memoryExport), 0x02, 0x00]);
        Section(file, 7, Vector(exports));
        Section(file, 10, Vector(_functions.Select(f =>
        {
            byte[] body = [.. f.Locals, .. f.Body, 0x0B];
            return (byte[])[.. Leb((uint)body.Length), .. body];
        })));
        var names = new List<byte[]>();
        for (int i = 0; i < _functions.Count; i++)
        {
            if (_functions[i].Name is string n) names.Add([.. Leb((uint)(_imports.Count + i)), .. Name(n)]);
        }
        if (names.Count > 0)
        {
            byte[] functionNames = Vector(names);
            Section(file, 0, [.. Name("name"), 0x01, .. Leb((uint)functionNames.Length), .. functionNames]);
        }
        return [.. file];
    }

    private int AddType(byte[] parameters, byte[] results)
    {
        _types.Add((parameters, results));
        return _types.Count - 1;
    }

    private static void Section(List<byte> file, byte id, byte[] content)
    {
        file.Add(id);
        file.AddRange(Leb((uint)content.Length));
        file.AddRange(content);
    }

    private static byte[] Vector(IEnumerable<byte[]> items)
    {
        var list = items.ToList();
        return [.. Leb((uint)list.Count), .. list.SelectMany(i => i)];
    }

    private static byte[] Name(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. Leb((uint)bytes.Length), .. bytes];
    }

    public static byte[] Leb(uint value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            if (value != 0) b |= 0x80;
            bytes.Add(b);
        }
        while (value != 0);
        return [.. bytes];
    }

    public static byte[] SignedLeb(int value)
    {
        var bytes = new List<byte>();
        while (true)
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bool done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
            bytes.Add(done ? b : (byte)(b | 0x80));
            if (done) return [.. bytes];
        }
    }
}
