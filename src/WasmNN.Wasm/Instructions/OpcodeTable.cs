using System.Collections.Frozen;
using System.Reflection;

namespace WasmNN.Wasm.Instructions;

/// <summary>The facts of one instruction, read from its <see cref="OpAttribute"/>.</summary>
/// <param name="Opcode">The instruction.</param>
/// <param name="Mnemonic">Text-format name.</param>
/// <param name="Immediates">Immediates after the opcode.</param>
/// <param name="Feature">Proposal it belongs to.</param>
/// <param name="Parameters">Operand types for fixed-signature instructions, else null.</param>
/// <param name="Results">Result types for fixed-signature instructions, else null.</param>
/// <param name="NaturalAlignment">Natural alignment in bytes for memory accesses, else 0.</param>
/// <param name="Effects">What it can do besides its operands and results.</param>
public sealed record OpcodeInfo(Opcode Opcode, string Mnemonic, Immediates Immediates, Feature Feature,
    ValueType[]? Parameters, ValueType[]? Results, int NaturalAlignment, Effects Effects)
{
    /// <summary>0, 0xFC, 0xFD or 0xFE.</summary>
    public byte Prefix => (byte)((uint)Opcode >> 16);

    /// <summary>The opcode byte (prefix 0) or the LEB128-encoded sub-opcode after the prefix.</summary>
    public uint Code => (uint)Opcode & 0xFFFF;

    /// <summary>True when the validator can type the instruction from <see cref="Parameters"/> and <see cref="Results"/>.</summary>
    public bool HasFixedSignature => Parameters is not null;

    /// <summary>True when executing it can trap (see <see cref="Effects.Traps"/>).</summary>
    public bool Traps => (Effects & Effects.Traps) != 0;

    /// <summary>True for a load or store: one access at an address operand plus a static offset.</summary>
    public bool IsMemoryAccess => Immediates is Immediates.MemArg or Immediates.MemArgLane;

    /// <summary>
    /// True when it only takes its operands and pushes its results, touching memory at most at one address: a fixed
    /// signature (so no control flow, call, variable or reference instruction) and no memory- or table-wide effect.
    /// Analyses that follow values through the operand stack of a straight-line stretch stop at anything else.
    /// </summary>
    public bool IsPlain => HasFixedSignature && (Effects & (Effects.MemoryWide | Effects.Tables)) == 0;
}

/// <summary>
/// The opcode table, built once from the <see cref="OpAttribute"/> on each <see cref="Opcode"/> member.
/// Everything that needs an instruction's facts asks here.
/// </summary>
public static class OpcodeTable
{
    private static readonly FrozenDictionary<Opcode, OpcodeInfo> s_byOpcode = Build();
    private static readonly FrozenDictionary<string, OpcodeInfo> s_byMnemonic =
        s_byOpcode.Values.OrderBy(i => (uint)i.Opcode).DistinctBy(i => i.Mnemonic)
            .ToFrozenDictionary(i => i.Mnemonic, StringComparer.Ordinal);

    /// <summary>Every instruction, in opcode order.</summary>
    public static IReadOnlyList<OpcodeInfo> All { get; } = [.. s_byOpcode.Values.OrderBy(i => (uint)i.Opcode)];

    /// <summary>Looks up an opcode.</summary>
    public static bool TryGet(Opcode opcode, out OpcodeInfo info) => s_byOpcode.TryGetValue(opcode, out info!);

    /// <summary>The facts of <paramref name="opcode"/>.</summary>
    public static OpcodeInfo Get(Opcode opcode) => s_byOpcode[opcode];

    /// <summary>Looks up an instruction by its text-format name (<c>select</c> gives the untyped 0x1B form).</summary>
    public static bool TryGetByMnemonic(string mnemonic, out OpcodeInfo info) => s_byMnemonic.TryGetValue(mnemonic, out info!);

    private static FrozenDictionary<Opcode, OpcodeInfo> Build()
    {
        var table = new Dictionary<Opcode, OpcodeInfo>();
        foreach (var field in typeof(Opcode).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = field.GetCustomAttribute<OpAttribute>()
                ?? throw new InvalidOperationException($"Opcode.{field.Name} has no [Op] row");
            var opcode = (Opcode)field.GetValue(null)!;
            var (parameters, results) = ParseSignature(op.Signature, field.Name);
            table.Add(opcode, new OpcodeInfo(opcode, op.Mnemonic, op.Immediates, op.Feature, parameters, results, op.NaturalAlignment, op.Effects));
        }
        return table.ToFrozenDictionary();
    }

    private static (ValueType[]?, ValueType[]?) ParseSignature(string? signature, string name)
    {
        if (signature is null) return (null, null);
        var parts = signature.Split("->");
        if (parts.Length != 2) throw new InvalidOperationException($"Opcode.{name}: bad signature '{signature}'");
        return (ParseTypes(parts[0], name), ParseTypes(parts[1], name));
    }

    private static ValueType[] ParseTypes(string text, string name) =>
        [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t =>
            ValueTypeExtensions.TryParseWat(t, out var type) ? type : throw new InvalidOperationException($"Opcode.{name}: unknown type '{t}'"))];
}
