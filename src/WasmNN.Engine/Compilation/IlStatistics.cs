using System.Reflection;
using System.Reflection.Emit;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// What the JIT sees of one compiled method, read back from its IL: the sizes its MinOpts switch compares
/// (../shared/DESIGN-NOTES.md, "JIT cliff 2") and the methods it calls.
/// </summary>
/// <param name="Bytes">IL bytes.</param>
/// <param name="Instructions">IL instructions, a prefix (unaligned., volatile.) not counted apart from its instruction.</param>
/// <param name="BasicBlocks">Basic blocks: the entry, every branch target and every instruction after a branch.</param>
/// <param name="Locals">Declared locals.</param>
/// <param name="Parameters">Parameters: the JIT's local count (lvaCount) holds them with the declared locals.</param>
/// <param name="LocalReferences">Loads, stores and address-taking of locals and arguments.</param>
/// <param name="Callees">Every method called (with duplicates).</param>
internal sealed record IlStatistics(int Bytes, int Instructions, int BasicBlocks, int Locals, int Parameters, int LocalReferences, IReadOnlyList<MethodBase> Callees)
{
    /// <summary>The JIT's defaults (DEFAULT_MIN_OPTS_*): past any of them a method is compiled without optimisation.</summary>
    public const int MaxBytes = 60_000, MaxInstructions = 20_000, MaxBasicBlocks = 2_000, MaxLocals = 2_000, MaxLocalReferences = 8_000;

    /// <summary>
    /// Locals the JIT adds to the parameters and declared locals before it compares them with <see cref="MaxLocals"/>:
    /// one, observed from its own decision (JitLimitModelTests); the other counts match the IL exactly.
    /// </summary>
    public const int JitTemporaries = 1;

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Reads <paramref name="method"/>'s IL (a created, not a builder, method).</summary>
    public static IlStatistics Of(MethodInfo method)
    {
        var body = method.GetMethodBody() ?? throw new ArgumentException($"{method.Name} has no IL body");
        byte[] il = body.GetILAsByteArray() ?? [];
        var blockStarts = new HashSet<int> { 0 };
        var callees = new List<MethodBase>();
        int instructions = 0, localReferences = 0;
        for (int at = 0; at < il.Length;)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            var op = s_opCodes[value];
            // The JIT counts a prefixed instruction once (JitLimitModelTests, unaligned loads).
            if (op.OpCodeType != OpCodeType.Prefix) instructions++;
            at += op.Size;
            int operand = at;
            at += OperandSize(op.OperandType, il, operand);
            if (IsLocalReference(op)) localReferences++;
            switch (op.OperandType)
            {
                case OperandType.ShortInlineBrTarget:
                    blockStarts.Add(at + (sbyte)il[operand]);
                    blockStarts.Add(at);
                    break;
                case OperandType.InlineBrTarget:
                    blockStarts.Add(at + BitConverter.ToInt32(il, operand));
                    blockStarts.Add(at);
                    break;
                case OperandType.InlineSwitch:
                    int count = BitConverter.ToInt32(il, operand);
                    for (int i = 0; i < count; i++) blockStarts.Add(at + BitConverter.ToInt32(il, operand + 4 + 4 * i));
                    blockStarts.Add(at);
                    break;
                case OperandType.InlineMethod when op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj:
                    callees.Add(method.Module.ResolveMethod(BitConverter.ToInt32(il, operand))!);
                    break;
            }
            if (op == OpCodes.Ret || op == OpCodes.Throw || op == OpCodes.Rethrow) blockStarts.Add(at);
        }
        blockStarts.RemoveWhere(start => start >= il.Length);
        return new IlStatistics(il.Length, instructions, blockStarts.Count, body.LocalVariables.Count, method.GetParameters().Length, localReferences, callees);
    }

    /// <summary>Each limit this method exceeds, as "N what (limit L)".</summary>
    public IEnumerable<string> ExceededJitLimits()
    {
        if (Bytes > MaxBytes) yield return $"{Bytes:N0} bytes of IL (limit {MaxBytes:N0})";
        if (Instructions > MaxInstructions) yield return $"{Instructions:N0} IL instructions (limit {MaxInstructions:N0})";
        if (BasicBlocks > MaxBasicBlocks) yield return $"{BasicBlocks:N0} basic blocks (limit {MaxBasicBlocks:N0})";
        if (Locals + Parameters + JitTemporaries > MaxLocals)
            yield return $"{Locals:N0} locals, {Parameters} parameters and {JitTemporaries} JIT temporary (limit {MaxLocals:N0})";
        if (LocalReferences > MaxLocalReferences) yield return $"{LocalReferences:N0} local references (limit {MaxLocalReferences:N0})";
    }

    private static int OperandSize(OperandType type, byte[] il, int operand) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, operand),
        _ => 4,
    };

    private static bool IsLocalReference(OpCode op) =>
        op.Name is { } name && (name.StartsWith("ldloc", StringComparison.Ordinal) || name.StartsWith("stloc", StringComparison.Ordinal)
            || name.StartsWith("ldarg", StringComparison.Ordinal) || name.StartsWith("starg", StringComparison.Ordinal));
}
