using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// StringNormalizer as <see cref="StringNormalizerOperator"/> says, over the string layout of docs/ABI.md: for each
/// element, its bytes (the compared form: lowered into scratch when the match ignores case) are compared with each
/// stopword, placed as constant bytes in that form; a kept element is copied to the output with its case changed
/// (<see cref="Utf8Emitter"/>, the <see cref="CaseMapping"/> table) and its end offset stored. No element kept
/// gives one empty string. The kept count is the run-time length when there are stopwords. Input offsets are
/// clamped to the input's capacity, and writing stops at the output's, so no host data reads or writes outside them.
/// </summary>
internal sealed class StringNormalizerKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["StringNormalizer"];

    public bool TakesStrings => true;

    public string? Unsupported(Node node) =>
        node.GetAttributes<StringNormalizerAttributes>().Stopwords.Count > 0 && node.Outputs[0]!.RuntimeDims is not null ? BoundedOutput.Unsupported(node) : null;

    /// <summary>The lowered copy of an element when stopwords match ignoring case.</summary>
    public long ScratchBytes(Node node, LoweringOptions options) =>
        node.GetAttributes<StringNormalizerAttributes>() is { IsCaseSensitive: false, Stopwords.Count: > 0 } ? CaseMapping.GrownBytes(node.Inputs[0]!.StringBytes, CaseChange.Lower) : 0;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var a = node.GetAttributes<StringNormalizerAttributes>();
        var (x, y) = (node.Inputs[0]!, node.Outputs[0]!);
        var (elements, capacity) = (Shapes.ElementCount(x.Shape!), x.StringBytes);
        var (outputs, outputCapacity) = (Shapes.ElementCount(y.Shape!), y.StringBytes);
        var (offsets, area) = (context.Address(x), context.Address(x) + (int)StringTensorLayout.OffsetTableBytes(elements));
        var (outputOffsets, outputArea) = (context.Address(y), context.Address(y) + (int)StringTensorLayout.OffsetTableBytes(outputs));
        var stopwords = a.ComparedStopwords.Select(s => StringTensorLayout.Encode(s, "a stopword")).ToList();
        var stopwordAddresses = stopwords.Select((bytes, i) => bytes.Length == 0 ? 0 : context.AddBytes($"{node.Name}/stopword/{i}", bytes)).ToList();
        var caseTable = Utf8Emitter.PlaceTable(context, a.CaseChangeAction);
        var lowerTable = a.IsCaseSensitive || stopwords.Count == 0 ? default : Utf8Emitter.PlaceTable(context, CaseChange.Lower);
        var utf8 = new Utf8Emitter(w);
        var (element, kept, start, end, cursor, destination, limit, compared, comparedLength, dropped) =
            (w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local(), w.Local());
        w.I32(0).Set(kept);
        w.I32(outputArea).Set(destination);
        w.I32(outputOffsets).I32(0).Store32();
        w.For(element, 0, elements, 1, () =>
        {
            // [start, end): the element's bytes, offsets clamped (unsigned) to the capacity and end never before start.
            ClampedOffset(element, 0, start);
            ClampedOffset(element, 4, end);
            w.Get(end).Get(start).Get(end).Get(start).Op(Opcode.I32GtU).Op(Opcode.Select).Set(end);
            w.I32(0).Set(dropped);
            if (stopwords.Count > 0)
            {
                if (a.IsCaseSensitive)
                {
                    w.Get(start).Set(compared);
                }
                else
                {
                    w.Get(start).Set(cursor);
                    w.I32(context.ScratchAddress).Set(compared);
                    w.I32(context.ScratchAddress + CaseMapping.GrownBytes(capacity, CaseChange.Lower)).Set(limit);
                    utf8.EmitMappedCopy(cursor, end, compared, limit, lowerTable);
                    w.Get(compared).I32(context.ScratchAddress).Op(Opcode.I32Sub).Set(comparedLength);
                    w.I32(context.ScratchAddress).Set(compared);
                }
                if (a.IsCaseSensitive)
                {
                    w.Get(end).Get(start).Op(Opcode.I32Sub).Set(comparedLength);
                }
                for (var i = 0; i < stopwords.Count; i++)
                {
                    utf8.EmitEqualBytes(compared, comparedLength, stopwordAddresses[i], stopwords[i].Length);
                    w.Get(dropped).Op(Opcode.I32Or).Set(dropped);
                }
            }
            w.If(() => w.Get(dropped).Op(Opcode.I32Eqz), () =>
            {
                w.Get(start).Set(cursor);
                w.I32(outputArea + outputCapacity).Set(limit);
                utf8.EmitMappedCopy(cursor, end, destination, limit, caseTable);
                w.Increment(kept, 1);
                EndOffset();
            });
        });
        // Nothing kept: one empty string (offsets 0, 0), as the spec asks.
        w.If(() => w.Get(kept).Op(Opcode.I32Eqz), () =>
        {
            w.I32(1).Set(kept);
            EndOffset();
        });
        if (y.RuntimeDims is not null)
        {
            BoundedOutput.Report(node, context, w, kept);
        }

        void ClampedOffset(uint index, uint next, uint into)
        {
            w.Get(index).I32(4).Op(Opcode.I32Mul).Memory(Opcode.I32Load, checked((uint)offsets + next)).Set(into);
            w.Get(into).I32(capacity).Get(into).I32(capacity).Op(Opcode.I32LeU).Op(Opcode.Select).I32(area).Op(Opcode.I32Add).Set(into);
        }

        void EndOffset()
        {
            w.Get(kept).I32(4).Op(Opcode.I32Mul);
            w.Get(destination).I32(outputArea).Op(Opcode.I32Sub);
            w.Memory(Opcode.I32Store, checked((uint)outputOffsets));
        }
    }
}
