namespace WasmNN.Wasi;

// args_* and environ_*: NUL-terminated UTF-8 strings, pointers first, then the packed bytes.
public sealed partial class WasiHost
{
    internal Errno ArgsSizesGet(GuestMemory memory, uint countPtr, uint bufferSizePtr) =>
        SizesGet(memory, _arguments, countPtr, bufferSizePtr);

    internal Errno ArgsGet(GuestMemory memory, uint pointersPtr, uint bufferPtr) =>
        StringsGet(memory, _arguments, pointersPtr, bufferPtr);

    internal Errno EnvironSizesGet(GuestMemory memory, uint countPtr, uint bufferSizePtr) =>
        SizesGet(memory, _environment, countPtr, bufferSizePtr);

    internal Errno EnvironGet(GuestMemory memory, uint pointersPtr, uint bufferPtr) =>
        StringsGet(memory, _environment, pointersPtr, bufferPtr);

    private static Errno SizesGet(GuestMemory memory, byte[][] strings, uint countPtr, uint bufferSizePtr)
    {
        memory.WriteU32(countPtr, (uint)strings.Length);
        memory.WriteU32(bufferSizePtr, (uint)strings.Sum(s => s.Length));
        return Errno.Success;
    }

    private static Errno StringsGet(GuestMemory memory, byte[][] strings, uint pointersPtr, uint bufferPtr)
    {
        // Check both ranges before writing, so a bad pointer leaves guest memory untouched.
        memory.Slice(pointersPtr, (ulong)strings.Length * 4);
        memory.Slice(bufferPtr, (ulong)strings.Sum(s => (long)s.Length));
        var cursor = bufferPtr;
        for (var i = 0; i < strings.Length; i++)
        {
            memory.WriteU32(pointersPtr + (uint)(i * 4), cursor);
            strings[i].CopyTo(memory.Slice(cursor, (uint)strings[i].Length));
            cursor += (uint)strings[i].Length;
        }
        return Errno.Success;
    }
}
