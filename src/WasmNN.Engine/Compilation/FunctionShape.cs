using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Engine.Compilation;

/// <summary>
/// What a function body's prologue can leave out. A leaf (no calls) adds one frame to the chain and nothing below it,
/// so it needs neither the call-depth count nor a stack check when its frame is small (its caller's check leaves
/// room for one frame: <see cref="Runtime.StackGuard.Window"/>), nor an entry interrupt check: only its loops can keep
/// it running, and they check at their headers. Small loop-free ones, like clang's qsort comparator, are left to the
/// JIT to inline into their callers; wasi-libc's memcpy (a leaf called for every 4-byte swap of qsort) keeps its
/// loops' checks only.
/// </summary>
internal readonly record struct FunctionShape(bool IsLeaf, bool HasLoops, int CodeBytes)
{
    /// <summary>Wasm bytes of the largest loop-free leaf offered to the JIT for inlining.</summary>
    public const int MaxInlineBytes = 64;

    /// <summary>True for a loop-free leaf small enough for the JIT to inline at its call sites.</summary>
    public bool IsInlineCandidate => IsLeaf && !HasLoops && CodeBytes <= MaxInlineBytes;

    public static FunctionShape Of(FunctionBody body)
    {
        bool leaf = true, loops = false;
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            switch (reader.Read().Opcode)
            {
                case Opcode.Call or Opcode.CallIndirect: leaf = false; break;
                case Opcode.Loop: loops = true; break;
            }
        }
        return new FunctionShape(leaf, loops, body.Code.Length);
    }
}
