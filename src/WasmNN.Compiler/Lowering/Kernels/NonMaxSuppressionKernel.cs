using WasmNN.CodeGen;
using WasmNN.Compiler.IR;
using WasmNN.Compiler.Operators;
using WasmNN.Wasm;
using WasmNN.Wasm.Instructions;
using ValueType = WasmNN.Wasm.ValueType;

namespace WasmNN.Compiler.Lowering.Kernels;

/// <summary>
/// NonMaxSuppression (float32 boxes and scores), greedy per batch and class as the operator defines it: a byte per
/// box in scratch marks the candidates (score above the threshold, not yet taken); each step takes the best
/// remaining candidate (a strict compare keeps the lower index among equal scores) and keeps it when its IoU with
/// every box kept for the class is at most the threshold, appending [batch, class, box] to the output, until
/// max_output_boxes_per_class are kept or no candidate remains. Kept box indices of the class follow the flags in
/// scratch. O(boxes^2) per class. The thresholds are read from memory, so they may be run-time inputs.
/// </summary>
internal sealed class NonMaxSuppressionKernel : IKernelLowering
{
    public IEnumerable<string> OpTypes => ["NonMaxSuppression"];

    public string? Unsupported(Node node) =>
        node.Inputs[0]!.ElementType != DataType.Float32 || node.Inputs[1]!.ElementType != DataType.Float32
            ? $"boxes and scores are {node.Inputs[0]!.ElementType} and {node.Inputs[1]!.ElementType}; the kernel takes float32"
            : BoundedOutput.Unsupported(node);

    private static (int Batches, int Classes, int Boxes, int PerClass) Dimensions(Node node)
    {
        var (batches, classes, boxes) = NonMaxSuppressionOperator.Dimensions(node.Inputs[0]!.Shape!, node.Inputs[1]!.Shape!);
        var perClass = NonMaxSuppressionOperator.PerClass(node.Inputs.ElementAtOrDefault(2)?.Constant?.GetInt64(0), boxes);
        return (batches, classes, boxes, perClass);
    }

    public long ScratchBytes(Node node, LoweringOptions options)
    {
        var (_, _, boxes, perClass) = Dimensions(node);
        return PlanAlign(boxes) + perClass * 4L;
    }

    private static int PlanAlign(int bytes) => (bytes + 15) / 16 * 16;

    public void Emit(Node node, LoweringContext context, FunctionBuilder w)
    {
        var (batches, classes, n, perClass) = Dimensions(node);
        var center = node.GetAttributes<NonMaxSuppressionAttributes>().CenterPointBox;
        var boxesAddress = context.Address(node.Inputs[0]!);
        var scoresAddress = context.Address(node.Inputs[1]!);
        var output = context.Address(node.Outputs[0]!);
        var flags = context.ScratchAddress;
        var kept = flags + PlanAlign(n);
        var total = w.Local();
        var b = w.Local();
        var c = w.Local();
        var i = w.Local();
        var k = w.Local();
        var keptCount = w.Local();
        var best = w.Local();
        var scores = w.Local();
        var bestScore = w.Local(ValueType.F32);
        var iouThreshold = w.Local(ValueType.F32);
        var a = Enumerable.Range(0, 5).Select(_ => w.Local(ValueType.F32)).ToArray();
        var o = Enumerable.Range(0, 5).Select(_ => w.Local(ValueType.F32)).ToArray();
        if (node.Inputs.ElementAtOrDefault(3) is { } iou)
        {
            w.I32(context.Address(iou)).Memory(Opcode.F32Load).Set(iouThreshold);
        }
        if (perClass == 0)
        {
            BoundedOutput.Report(node, context, w, total);
            return;
        }
        w.For(b, 0, batches, 1, () => w.For(c, 0, classes, 1, () =>
        {
            // scores = &scores[b, c, 0]
            w.Get(b).I32(classes).Op(Opcode.I32Mul).Get(c).Op(Opcode.I32Add).I32(n * 4).Op(Opcode.I32Mul).I32(scoresAddress).Op(Opcode.I32Add).Set(scores);
            w.For(i, 0, n, 1, () =>
            {
                w.Get(i).I32(flags).Op(Opcode.I32Add);
                if (node.Inputs.ElementAtOrDefault(4) is { } threshold)
                {
                    PushScore(w, scores, i);
                    w.I32(context.Address(threshold)).Memory(Opcode.F32Load).Op(Opcode.F32Gt);
                }
                else
                {
                    w.I32(1);
                }
                w.Memory(Opcode.I32Store8);
            });
            w.I32(0).Set(keptCount);
            // Each step: the best remaining candidate, or leave the class (br 1 out of the loop's block).
            w.Code.Block(BlockType.Empty);
            w.Code.Loop(BlockType.Empty);
            w.Get(keptCount).I32(perClass).Op(Opcode.I32GeS).Code.Emit(Opcode.BrIf, 1);
            w.I32(-1).Set(best);
            w.For(i, 0, n, 1, () =>
            {
                w.If(() =>
                {
                    w.Get(i).I32(flags).Op(Opcode.I32Add).Memory(Opcode.I32Load8U);
                    w.Get(best).I32(0).Op(Opcode.I32LtS);
                    PushScore(w, scores, i);
                    w.Get(bestScore).Op(Opcode.F32Gt).Op(Opcode.I32Or).Op(Opcode.I32And);
                }, () =>
                {
                    w.Get(i).Set(best);
                    PushScore(w, scores, i);
                    w.Set(bestScore);
                });
            });
            w.Get(best).I32(0).Op(Opcode.I32LtS).Code.Emit(Opcode.BrIf, 1);
            w.Get(best).I32(flags).Op(Opcode.I32Add).I32(0).Memory(Opcode.I32Store8);
            LoadCorners(w, boxesAddress, n, b, best, center, a);
            // k runs to keptCount unless a kept box suppresses the candidate (k then stops below keptCount).
            w.I32(0).Set(k);
            w.Code.Block(BlockType.Empty);
            w.Get(k).Get(keptCount).Op(Opcode.I32GeS).Code.Emit(Opcode.BrIf, 0);
            w.Code.Loop(BlockType.Empty);
            var other = w.Local();
            w.Get(k).I32(4).Op(Opcode.I32Mul).I32(kept).Op(Opcode.I32Add).Load32().Set(other);
            LoadCorners(w, boxesAddress, n, b, other, center, o);
            PushIntersectionOverUnion(w, a, o);
            w.Get(iouThreshold).Op(Opcode.F32Gt).Code.Emit(Opcode.BrIf, 1);
            w.Increment(k, 1);
            w.Get(k).Get(keptCount).Op(Opcode.I32LtS).Code.Emit(Opcode.BrIf, 0);
            w.Code.End();
            w.Code.End();
            w.If(() => w.Get(k).Get(keptCount).Op(Opcode.I32GeS), () =>
            {
                w.Get(keptCount).I32(4).Op(Opcode.I32Mul).I32(kept).Op(Opcode.I32Add).Get(best).Store32();
                w.Increment(keptCount, 1);
                foreach (var (field, column) in new[] { (b, 0), (c, 1), (best, 2) })
                {
                    w.Get(total).I32(24).Op(Opcode.I32Mul).I32(output + column * 8).Op(Opcode.I32Add);
                    w.Get(field).Op(Opcode.I64ExtendI32U);
                    ElementAccess.Store(w, DataType.Int64);
                }
                w.Increment(total, 1);
            });
            w.Code.Emit(Opcode.Br, 0);
            w.Code.End();
            w.Code.End();
        }));
        BoundedOutput.Report(node, context, w, total);
    }

    private static void PushScore(FunctionBuilder w, uint scores, uint i) =>
        w.Get(i).I32(4).Op(Opcode.I32Mul).Get(scores).Op(Opcode.I32Add).Memory(Opcode.F32Load);

    /// <summary>corners = (y1, x1, y2, x2, area) of box <paramref name="box"/> of batch <paramref name="b"/>, as <see cref="NonMaxSuppressionOperator.Corners"/>.</summary>
    private static void LoadCorners(FunctionBuilder w, int boxesAddress, int n, uint b, uint box, bool center, uint[] corners)
    {
        var raw = Enumerable.Range(0, 4).Select(_ => w.Local(ValueType.F32)).ToArray();
        for (var k = 0; k < 4; k++)
        {
            w.Get(b).I32(n).Op(Opcode.I32Mul).Get(box).Op(Opcode.I32Add).I32(16).Op(Opcode.I32Mul).I32(boxesAddress + k * 4).Op(Opcode.I32Add);
            w.Memory(Opcode.F32Load).Set(raw[k]);
        }
        if (center)
        {
            // (xc, yc, w, h) -> (yc - h/2, xc - w/2, yc + h/2, xc + w/2)
            (uint Middle, uint Extent, Opcode Op)[] terms = [(raw[1], raw[3], Opcode.F32Sub), (raw[0], raw[2], Opcode.F32Sub), (raw[1], raw[3], Opcode.F32Add), (raw[0], raw[2], Opcode.F32Add)];
            for (var k = 0; k < 4; k++)
            {
                w.Get(terms[k].Middle).Get(terms[k].Extent).F32(2).Op(Opcode.F32Div).Op(terms[k].Op).Set(corners[k]);
            }
        }
        else
        {
            w.Get(raw[0]).Get(raw[2]).Op(Opcode.F32Min).Set(corners[0]);
            w.Get(raw[1]).Get(raw[3]).Op(Opcode.F32Min).Set(corners[1]);
            w.Get(raw[0]).Get(raw[2]).Op(Opcode.F32Max).Set(corners[2]);
            w.Get(raw[1]).Get(raw[3]).Op(Opcode.F32Max).Set(corners[3]);
        }
        w.Get(corners[2]).Get(corners[0]).Op(Opcode.F32Sub).Get(corners[3]).Get(corners[1]).Op(Opcode.F32Sub).Op(Opcode.F32Mul).Set(corners[4]);
    }

    /// <summary>Pushes the IoU of two boxes' corners: 0 when an area is not positive.</summary>
    private static void PushIntersectionOverUnion(FunctionBuilder w, uint[] a, uint[] o)
    {
        var intersection = w.Local(ValueType.F32);
        // max(0, min(a.y2, o.y2) - max(a.y1, o.y1)) * max(0, min(a.x2, o.x2) - max(a.x1, o.x1))
        w.Get(a[2]).Get(o[2]).Op(Opcode.F32Min).Get(a[0]).Get(o[0]).Op(Opcode.F32Max).Op(Opcode.F32Sub).F32(0).Op(Opcode.F32Max);
        w.Get(a[3]).Get(o[3]).Op(Opcode.F32Min).Get(a[1]).Get(o[1]).Op(Opcode.F32Max).Op(Opcode.F32Sub).F32(0).Op(Opcode.F32Max);
        w.Op(Opcode.F32Mul).Set(intersection);
        w.Get(intersection);
        w.Get(a[4]).Get(o[4]).Op(Opcode.F32Add).Get(intersection).Op(Opcode.F32Sub);
        w.Op(Opcode.F32Div);
        w.F32(0);
        w.Get(a[4]).F32(0).Op(Opcode.F32Gt).Get(o[4]).F32(0).Op(Opcode.F32Gt).Op(Opcode.I32And);
        w.Op(Opcode.Select);
    }
}
