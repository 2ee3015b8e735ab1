using System.Collections.Immutable;
using WasmNN.Wasm.Instructions;

namespace WasmNN.Wasm.Validation;

/// <summary>
/// Type-checks one function body with an operand stack and a control stack, following the algorithm in the
/// spec's validation appendix: after an unconditional branch the stack is polymorphic ("unknown" values).
/// Fixed-signature instructions are typed from the opcode table; the rest by hand in the Instructions partial.
/// </summary>
internal sealed partial class FunctionValidator
{
    /// <summary>An operand of unknown type (only below the polymorphic base after <c>unreachable</c>, <c>br</c>...).</summary>
    private const ValueType Unknown = 0;

    private readonly ValidationContext _context;
    private readonly int _functionIndex;
    private readonly ValueType[] _locals;
    private readonly FuncType _type;
    private readonly List<ValueType> _operands = [];
    private readonly List<ControlFrame> _frames = [];
    private int _offset;

    private FunctionValidator(ValidationContext context, int functionIndex, ValueType[] locals, FuncType type)
    {
        _context = context;
        _functionIndex = functionIndex;
        _locals = locals;
        _type = type;
    }

    private sealed class ControlFrame(Opcode opcode, ImmutableArray<ValueType> start, ImmutableArray<ValueType> end, int height)
    {
        public Opcode Opcode { get; } = opcode;
        public ImmutableArray<ValueType> Start { get; } = start;
        public ImmutableArray<ValueType> End { get; } = end;
        public int Height { get; } = height;
        public bool Unreachable { get; set; }

        /// <summary>What a branch to this frame carries: a loop's parameters, any other block's results.</summary>
        public ImmutableArray<ValueType> LabelTypes => Opcode == Opcode.Loop ? Start : End;
    }

    /// <summary>Validates body <paramref name="codeIndex"/> (defined functions only).</summary>
    public static void Validate(ValidationContext context, int codeIndex)
    {
        var module = context.Module;
        var body = module.Codes[codeIndex];
        int functionIndex = context.ImportedFunctionCount + codeIndex;
        var type = context.FunctionType((uint)functionIndex);
        long localCount = type.Parameters.Length + body.Locals.Sum(l => (long)l.Count);
        if (localCount > 50_000_000)
        {
            throw new WasmFormatException(WasmErrorKind.Invalid, "too many locals", body.BodyOffset, "code", functionIndex);
        }
        var locals = new ValueType[localCount];
        type.Parameters.CopyTo(locals);
        int next = type.Parameters.Length;
        foreach (var group in body.Locals)
        {
            Array.Fill(locals, group.Type, next, (int)group.Count);
            next += (int)group.Count;
        }
        new FunctionValidator(context, functionIndex, locals, type).Run(body);
    }

    private void Run(FunctionBody body)
    {
        PushFrame(Opcode.Block, [], _type.Results);
        var reader = new InstructionReader(body.Code.Span, body.CodeOffset);
        while (!reader.AtEnd)
        {
            var ins = reader.Read();
            _offset = ins.Offset;
            var info = OpcodeTable.Get(ins.Opcode);
            if (info.Feature != Feature.Mvp && (_context.Features & info.Feature) == 0)
            {
                throw Error($"{info.Mnemonic} needs the {info.Feature} feature");
            }
            if (_frames.Count == 0) throw Error("operators remaining after end of function");
            CheckImmediates(in ins, info);
            if (info.HasFixedSignature)
            {
                PopValues(info.Parameters!);
                PushValues(info.Results!);
            }
            else
            {
                TypeByHand(in ins);
            }
        }
        if (_frames.Count != 0) throw Error("function body must end with end");
    }

    private WasmFormatException Error(string problem) =>
        new(WasmErrorKind.Invalid, problem, _offset, "code", _functionIndex);

    private void PushValue(ValueType type) => _operands.Add(type);

    private void PushValues(ReadOnlySpan<ValueType> types)
    {
        foreach (var t in types) _operands.Add(t);
    }

    private ValueType PopValue()
    {
        var frame = _frames[^1];
        if (_operands.Count == frame.Height)
        {
            if (frame.Unreachable) return Unknown;
            throw Error("type mismatch");
        }
        var top = _operands[^1];
        _operands.RemoveAt(_operands.Count - 1);
        return top;
    }

    private ValueType PopValue(ValueType expected)
    {
        var actual = PopValue();
        if (actual != expected && actual != Unknown && expected != Unknown) throw Error("type mismatch");
        return actual;
    }

    private void PopValues(ReadOnlySpan<ValueType> types)
    {
        for (int i = types.Length - 1; i >= 0; i--) PopValue(types[i]);
    }

    /// <summary>Pops <paramref name="types"/> and returns what was actually there, unknown included (br_table re-pushes it).</summary>
    private ValueType[] PopValuesKeeping(ReadOnlySpan<ValueType> types)
    {
        var popped = new ValueType[types.Length];
        for (int i = types.Length - 1; i >= 0; i--) popped[i] = PopValue(types[i]);
        return popped;
    }

    private void PushFrame(Opcode opcode, ImmutableArray<ValueType> start, ImmutableArray<ValueType> end)
    {
        _frames.Add(new ControlFrame(opcode, start, end, _operands.Count));
        PushValues(start.AsSpan());
    }

    private ControlFrame PopFrame()
    {
        var frame = _frames[^1];
        PopValues(frame.End.AsSpan());
        if (_operands.Count != frame.Height) throw Error("type mismatch");
        _frames.RemoveAt(_frames.Count - 1);
        return frame;
    }

    private void MarkUnreachable()
    {
        var frame = _frames[^1];
        _operands.RemoveRange(frame.Height, _operands.Count - frame.Height);
        frame.Unreachable = true;
    }

    private ControlFrame Label(uint depth)
    {
        if (depth >= _frames.Count) throw Error($"unknown label {depth}");
        return _frames[_frames.Count - 1 - (int)depth];
    }
}
