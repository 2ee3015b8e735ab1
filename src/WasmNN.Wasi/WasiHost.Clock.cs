using System.Security.Cryptography;

namespace WasmNN.Wasi;

// Clocks, poll_oneoff (sleeping), random_get, sched_yield.
public sealed partial class WasiHost
{
    private const ulong NanosecondsPerTick = 100; // TimeSpan and DateTime ticks

    internal Errno ClockResGet(GuestMemory memory, uint id, uint resolutionPtr)
    {
        ulong resolution;
        switch ((ClockId)id)
        {
            case ClockId.Realtime or ClockId.ProcessCputime or ClockId.ThreadCputime:
                resolution = NanosecondsPerTick;
                break;
            case ClockId.Monotonic:
                resolution = Math.Max(1UL, 1_000_000_000UL / (ulong)Options.Time.TimestampFrequency);
                break;
            default:
                return Errno.Inval;
        }
        memory.WriteU64(resolutionPtr, resolution);
        return Errno.Success;
    }

    internal Errno ClockTimeGet(GuestMemory memory, uint id, ulong precision, uint timePtr)
    {
        _ = precision; // a hint; every clock is read at its best resolution
        if (Now((ClockId)id) is not { } now) return Errno.Inval;
        memory.WriteU64(timePtr, now);
        return Errno.Success;
    }

    /// <summary>The clock's reading in nanoseconds, or null for an unknown clock id.</summary>
    private ulong? Now(ClockId id) => id switch
    {
        ClockId.Realtime => (ulong)(Options.Time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * NanosecondsPerTick,
        ClockId.Monotonic => (ulong)(UInt128)((Int128)Options.Time.GetTimestamp() * 1_000_000_000 / Options.Time.TimestampFrequency),
        ClockId.ProcessCputime or ClockId.ThreadCputime => (ulong)Environment.CpuUsage.TotalTime.Ticks * NanosecondsPerTick,
        _ => null,
    };

    internal Errno RandomGet(GuestMemory memory, uint bufferPtr, uint length)
    {
        RandomNumberGenerator.Fill(memory.Slice(bufferPtr, length));
        return Errno.Success;
    }

    internal Errno SchedYield()
    {
        Thread.Yield();
        return Errno.Success;
    }

    /// <summary>
    /// Clock subscriptions sleep until the earliest deadline (interrupted by <see cref="WasiOptions.Cancellation"/>);
    /// descriptor subscriptions are always ready, since every descriptor here is a file or a blocking stream.
    /// </summary>
    internal Errno PollOneoff(GuestMemory memory, uint subscriptionsPtr, uint eventsPtr, uint count, uint eventCountPtr)
    {
        if (count == 0) return Errno.Inval;
        var subscriptions = memory.Slice(subscriptionsPtr, (ulong)count * Layout.SubscriptionSize);
        memory.Slice(eventsPtr, (ulong)count * Layout.EventSize);
        _ = subscriptions;

        var events = new List<(ulong UserData, Errno Error, byte Type, ulong Bytes)>();
        var clocks = new List<(ulong UserData, ulong DeadlineNs)>();
        var start = Now(ClockId.Monotonic)!.Value;
        for (uint i = 0; i < count; i++)
        {
            var sub = subscriptionsPtr + i * (uint)Layout.SubscriptionSize;
            var userData = memory.ReadU64(sub);
            var tag = memory.ReadU8(sub + 8);
            switch (tag)
            {
                case Layout.EventTypeClock:
                    var clock = (ClockId)memory.ReadU32(sub + 16);
                    var timeout = memory.ReadU64(sub + 24);
                    var flags = memory.ReadU16(sub + 40);
                    if (Now(clock) is not { } now)
                    {
                        events.Add((userData, Errno.Inval, tag, 0));
                        break;
                    }
                    var relative = (flags & Layout.SubscriptionClockAbstime) != 0 ? (timeout > now ? timeout - now : 0) : timeout;
                    clocks.Add((userData, start + Math.Min(relative, ulong.MaxValue - start)));
                    break;
                case Layout.EventTypeFdRead or Layout.EventTypeFdWrite:
                    var fd = (int)memory.ReadU32(sub + 16);
                    if (!_fds.TryGet(fd, out var descriptor)) events.Add((userData, Errno.Badf, tag, 0));
                    else events.Add((userData, Errno.Success, tag, ReadableBytes(descriptor, tag)));
                    break;
                default:
                    return Errno.Inval;
            }
        }

        if (events.Count == 0 && clocks.Count > 0) SleepUntil(clocks.Min(c => c.DeadlineNs));
        var end = Now(ClockId.Monotonic)!.Value;
        foreach (var (userData, deadline) in clocks)
            if (deadline <= end) events.Add((userData, Errno.Success, Layout.EventTypeClock, 0));

        for (var i = 0; i < events.Count; i++)
        {
            var ev = eventsPtr + (uint)(i * Layout.EventSize);
            memory.Slice(ev, Layout.EventSize).Clear();
            memory.WriteU64(ev, events[i].UserData);
            memory.WriteU16(ev + 8, (ushort)events[i].Error);
            memory.WriteU8(ev + 10, events[i].Type);
            memory.WriteU64(ev + 16, events[i].Bytes);
        }
        memory.WriteU32(eventCountPtr, (uint)events.Count);
        return Errno.Success;
    }

    private static ulong ReadableBytes(Descriptor descriptor, byte eventType) =>
        eventType == Layout.EventTypeFdRead && descriptor is FileDescriptor file
            ? (ulong)Math.Max(0, RandomAccess.GetLength(file.Handle) - file.Position)
            : 0;

    private void SleepUntil(ulong deadlineNs)
    {
        var cancellation = Options.Cancellation;
        while (true)
        {
            var now = Now(ClockId.Monotonic)!.Value;
            if (now >= deadlineNs) return;
            // Wait in slices: WaitOne takes at most int.MaxValue ms, and the clock may be a fake.
            var waitMs = (int)Math.Min((deadlineNs - now + 999_999) / 1_000_000, 1000);
            if (cancellation.WaitHandle.WaitOne(Math.Max(waitMs, 1))) cancellation.ThrowIfCancellationRequested();
        }
    }
}
