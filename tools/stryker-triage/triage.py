#!/usr/bin/env python3
"""Triage of Stryker's surviving mutants (docs/mutants.md, "Stryker, last run").

Reads Stryker's JSON report and prints every mutant that survived or that no test covers, one table row each, with a
verdict and the reason: `message` (text only), `guard` (an argument or misuse guard no caller trips), `equivalent`
(argued in the reason), `lockstep` or `harness` (the unit tests miss it, a named checker of the harness does not),
`closed` (a real gap of the unit tests, pinned since by the named test) and `open` (a real gap left open, and why).
Rules match the mutated line's code, not its number, so they carry over to the next run; a mutant no rule matches is
printed as UNTRIAGED, which is the list to read after a run.

    python3 tools/stryker-triage/triage.py out/stryker/reports/mutation-report.json > docs/stryker-survivors.md
    python3 tools/stryker-triage/triage.py out/stryker/reports/mutation-report.json untriaged
"""
import json, re, sys, collections
report = sys.argv[1]
with open(report, encoding='utf-8') as f:
    r = json.load(f)
# (file, regex on the source line, regex on mutator or None) -> (verdict, reason). First match wins.
RULES = [
 (None, r'ArgumentNullException\.ThrowIfNull|ArgumentException\.ThrowIfNullOrEmpty|ArgumentOutOfRangeException\.ThrowIfNegative', 'Statement', 'guard', 'argument guard: no caller in the repository passes null or a negative value, and the compiler\'s nullable analysis keeps it so'),
 ('Master.cs', r'return \$"|Rejected\(\$"|ResourceNames\.Check\(d\.Id', 'String', 'lockstep', 'a rejection text: lockstep compares it with the model\'s word for word (`RejectionDifference`), outside Stryker\'s filter'),
 ('Master.cs', r'already known|Unknown operation', 'String', 'message', 'exception text of a caller\'s mistake'),
 ('ResourceOperation.cs', r'Dropped', 'String', 'message', 'the text of a dropped operation; the status is what callers read'),
 ('ResourceOperation.cs', r'ToString', 'String', 'message', 'a trace\'s rendering of an operation'),
 ('AgentMessage.cs', r'ToString', 'String', 'message', 'a trace\'s rendering of a message'),
 (None, r': base\("', 'String', 'message', 'default text of an exception constructor no code calls'),
 ('Agent.cs', r'ExitOnIoError\("|AgentExitedException\(\$"|InvalidOperationException\("|ArgumentException\(\$"', 'String', 'message', 'the text of an exit or misuse; the exit itself is what the harness checks'),
 ('Agent.cs', r'warnings\.Add', 'String', 'message', 'a recovery warning\'s text'),
 ('Agent.cs', r'TaskReply\(TaskOutcome\.FailedToStart', 'String', 'message', 'the error text of a task that did not start; the outcome is compared'),
 ('Agent.cs', r'CheckpointReply\(CheckpointOutcome\.Rejected', 'String', 'message', 'the separator of a rejection\'s problems; the outcome is compared'),
 (None, r'ResourceNames\.(Check|Validate)\([^)]*, "(role|persistence id)"\)', 'String', 'message', 'the kind named in a name error\'s text'),
 ('CheckpointCodec.cs', r'Read(String|Integer)\(ref|RequireArray|FormatException', 'String', 'message', 'a field name as it appears in a refusal\'s text; the refusal is what matters'),
 ('CheckpointStore.cs', r'CorruptCheckpointException', 'String', 'message', 'the text of a refusal'),
 ('ResourceNames.cs', r'return \$"', 'String', 'message', 'the text of a name error'),
 ('ResourceSet.cs', r'AddIfNotNull|InvalidResourceException', 'String', 'message', 'the text of a set\'s problem'),
 ('ResourceSet.cs', r'StringBuilder|AppendJoin|Append\(', None, 'message', 'the rendering of a set in traces (pinned since by `ResourceRulesTests.ToString_ReadsAsReservationsThenVolumes`)'),
 ('FaultInjectingFileSystem.cs', r'\$"#\{Number\}|Injected I/O error|Simulated crash', 'String', 'message', 'the text of a fault step in a trace'),
 ('LocalFileSystem.cs', r'throw new|Resolve|Require', 'String', 'message', 'an I/O error\'s text'),
 ('SimulatedFileSystem.cs', r'throw new|Require|Find', 'String', 'message', 'an I/O error\'s text'),
 ('WorkPath.cs', r'new\(\$"Path', 'String', 'message', 'the text of a confinement error'),
]
E, O, H = 'equivalent', 'open', 'harness'
MANUAL = {
 ('Agent.cs', 'design.UsesTarget ? store.Read', 'Conditional (true)'): (E, 'the designs without a target never write resources.target, so reading one that is absent gives null either way'),
 ('Agent.cs', 'recovering: true', 'Boolean'): (O, 'recovery would sync only the directories it creates itself, not those an earlier life created and crashed before syncing: a power loss after such a recovery loses them. Needs a crash inside an update, a restart and a power loss: the simulated-disk conformance explores that shape, not shown here'),
 ('Agent.cs', 'var created = recovering ? levels', 'Conditional (false)'): (O, 'the same rule as `recovering: true` seen from the other side'),
 ('Agent.cs', 'EnsureRunning();', 'Statement'): (E, 'every caller (the lockstep driver, Coyote\'s actor, the tests) starts a new agent after an exit or crash and never calls the dead one; the guard is for misuse'),
 ('Agent.cs', 'var error = ResourceNames.Check(role, "role") ??', 'Null coalescing'): (H, 'the role is still validated by `AgentLayout.VolumeDirectory`, which throws instead of rejecting: lockstep\'s `send-agent use ../..` lines (input kind `hostile-name`) see an exception where the model sees a rejection'),
 ('Agent.cs', 'fileSystem.FsyncFile(dataFile);', 'Statement'): (O, 'task data not synced: killed since by `AgentTests.RunTask_TargetIncarnationThenPowerLoss_TheTasksDataSurvives` (corpus mutant `task-data-not-synced` stands for it)'),
 ('Agent.cs', 'fileSystem.FsyncDirectory(directory);', 'Statement'): (O, 'the task data\'s directory entries not synced: killed since by `AgentTests.RunTask_TargetIncarnationThenPowerLoss_TheTasksDataSurvives`'),
 ('Agent.cs', 'SelfAndAncestors(volume).Reverse().Append', 'Linq'): (E, 'only the order of the directory fsyncs changes, and every one of them runs before the task reports: a power loss sees either all of them or a task that failed. The order matters on a disk that can reorder the entries\' writeback between two fsyncs, which neither disk models'),
 ('Agent.cs', 'if (!fileSystem.DeleteDirectory(path))', 'LogicalNot'): (E, 'only whether the warning "was already gone" is added; warnings are text for the operator, not state'),
 ('Agent.cs', 'return;', 'Statement'): (O, 'the Mesos designs would fall into the durable design\'s start and sync their checkpoint directory: more durable than the design, which a power loss in lockstep on the simulated disk would show; killed since by `AgentTests.Start_MesosDesigns_CreateTheCheckpointDirectoryWithoutFsync`'),
 ('Agent.cs', 'fileSystem.FsyncDirectory(WorkPath.Root);', 'Statement'): (O, 'the durable design would not sync the work directory\'s entry for `meta/` made by an earlier life that crashed before syncing it; shows only with crash, restart, power loss in that order before any other sync of the root'),
 ('Agent.cs', 'fileSystem.FsyncDirectory(AgentLayout.MetaDirectory);', 'Statement'): (O, 'a commit that an earlier life renamed and crashed before syncing would stay volatile across this start; needs crash between rename and fsync, restart, power loss'),
 ('Agent.cs', '{', 'Block removal'): (O, 'no impl unit test reaches this block'),
 ('Agent.cs', 'throw new AgentExitedException', 'Statement'): (O, 'the partial-exit design\'s path where the partial checkpoint also fails: two I/O errors in one update; the model checker\'s bounds allow it, no unit test does'),
 ('Agent.cs', 'warnings.Add($"Volume directory', 'Statement'): (E, 'a warning\'s text only'),
 ('AgentDesign.cs', 'Names.First(n => n.Design == design)', 'Linq'): (E, 'every design has a name, so First and FirstOrDefault return the same'),
 ('AgentDesign.cs', 'design == AgentDesign.TargetIncarnation ? VolumeIdentity', None): (O, 'identity per design: killed since by `ResourceRulesTests.Identity_OnlyTargetIncarnationComparesIncarnations`'),
 ('AgentLayout.cs', 'ResourceNames.Validate', 'Statement'): (O, 'the second line of defence against hostile names: killed since by `ResourceRulesTests.VolumeDirectory_HostileName_Throws`'),
 ('Master.cs', 'new AgentRecord(entry) { Adopting = true }', None): (O, 'adoption after a failover: killed since by `MasterTests.FailOver_*` (the corpus\'s `failover-*` mutants stand for it in conformance)'),
 ('Master.cs', 'IsAdopting(string agentId)', None): (O, 'killed since by `MasterTests.FailOver_BeforeTheAgentRegisters_DropsOperationsAndShowsTheGhost`'),
 ('Master.cs', 'agent.Adopting = false;', None): (O, 'killed since by `MasterTests.FailOver_BeforeTheAgentRegisters_DropsOperationsAndShowsTheGhost`'),
 ('Master.cs', 'throw new InvalidOperationException($"Agent {agentId} is already known")', None): (O, 'a misuse guard (declaring an agent twice) no test calls twice'),
 ('Master.cs', 'agent.Adopting ? agent.Entry.Ghost : agent.View', None): (O, 'the view before adoption: killed since by `MasterTests.FailOver_BeforeTheAgentRegisters_DropsOperationsAndShowsTheGhost`'),
 ('Master.cs', 'UnreserveOperation u => agent.View.WithReservationChange(u.Role, -u.Amount)', None): (O, 'killed since by `MasterTests.Apply_UnreserveEverythingFree_AcceptedAndTheRoleIsGone`'),
 ('Master.cs', 'if (u.Amount <= 0)', None): (O, 'killed since by `MasterTests.Apply_UnreserveZero_Rejected`'),
 ('Master.cs', 'if (u.Amount > view.Reserved(u.Role))', None): (O, 'inclusive limit: killed since by `MasterTests.Apply_UnreserveEverythingFree_AcceptedAndTheRoleIsGone`'),
 ('Master.cs', 'return u.Amount > view.FreeReserved(u.Role)', None): (O, 'inclusive limit: killed since by `MasterTests.Apply_UnreserveEverythingFree_AcceptedAndTheRoleIsGone`'),
 ('Master.cs', 'if (c.Size <= 0)', None): (O, 'killed since by `MasterTests.Apply_CreateOfExactlyTheFreeReservation_Accepted_SizeZero_Rejected`'),
 ('Master.cs', 'return c.Size > view.FreeReserved(c.Role)', None): (O, 'inclusive limit: killed since by `MasterTests.Apply_CreateOfExactlyTheFreeReservation_Accepted_SizeZero_Rejected`'),
 ('Master.cs', 'return ResourceNames.Check(d.Id, "persistence id")', 'Null coalescing'): (O, 'killed since by `MasterTests.Apply_DestroyWithHostileId_RejectedForTheNameNotAsUnknown`'),
 ('Master.cs', 'if (SendsIncarnations)', None): (O, 'killed since by `MasterTests.FailOver_TargetIncarnation_AdoptsTheReportedIncarnations`'),
 ('Master.cs', '{', 'Block removal'): (O, 'the drop of a task for a disconnected agent (line 175) and the adoption\'s body (line 259): killed since by `MasterTests.LaunchTask_AgentNotConnected_DroppedAndNothingSent` and `MasterTests.FailOver_TargetIncarnation_AdoptsTheReportedIncarnations`'),
 ('Master.cs', 'ghost.FindVolume(v.Role, v.Id)?.Incarnation ?? ++agent.Entry.LastIncarnation', None): (O, 'killed since by `MasterTests.FailOver_MesosDesigns_KeepTheGhostIncarnationOfAHeldVolume_FreshForOneNotHeld`'),
 ('QueuedTransport.cs', 'connection.Queue.Clear();', 'Statement'): (O, 'a broken link would still deliver what was in flight: lockstep and Coyote compare against the model, which drops it, but no impl unit test looked; killed since by `MasterTests.Break_MessagesInFlight_AreLostNotDelivered`'),
 ('CheckpointCodec.cs', 'encodeBuffer ??=', None): (E, 'a cache of the encoder\'s buffer: a new one each time gives the same bytes'),
 ('CheckpointCodec.cs', 'encodeWriter ??=', None): (E, 'a cache of the encoder\'s writer: a new one each time gives the same bytes'),
 ('CheckpointCodec.cs', 'RequireArray(ref reservationsArray, "reservations");', 'Statement'): (O, 'killed since by the new `"reservations":5` document of `CheckpointCodecEquivalenceTests`'),
 ('CheckpointCodec.cs', 'throw new FormatException("a volume is listed twice")', None): (O, 'killed since by the new duplicate-volume document of `CheckpointCodecEquivalenceTests`'),
 ('CheckpointCodec.cs', 'if ((seen & (1u << field)) != 0)', 'Bitwise'): (O, 'duplicates of any field but the first: killed since by the new duplicate `volumes`, `amount` and `incarnation` documents of `CheckpointCodecEquivalenceTests`'),
 ('CheckpointCodec.cs', 'seen |= 1u << field;', None): (E, '`^=` sets the bit as `|=` does, because a field seen before never gets here (the check above throws): the bit is only ever set from 0'),
 ('ResourceNames.cs', 'encoderShouldEmitUTF8Identifier: false', 'Boolean'): (E, 'for `encoderShouldEmitUTF8Identifier`: GetByteCount never counts the preamble; for `throwOnInvalidBytes`: killed since by `ResourceRulesTests.Check_LoneSurrogate_Rejected`'),
 ('ResourceNames.cs', 'if (bytes > MaxBytes)', None): (O, 'inclusive limit: killed since by `ResourceRulesTests.Check_NameOfExactlyTheLimit_Accepted_OneByteMore_Rejected`'),
 ('ResourceNames.cs', 'throw new InvalidResourceException(error);', 'Statement'): (O, 'killed since by `ResourceRulesTests.VolumeDirectory_HostileName_Throws`'),
 ('ResourceSet.cs', 'total == 0 ? Reservations.Remove(role)', None): (O, 'killed since by `ResourceRulesTests.WithReservationChange_BackToZero_RemovesTheRole`'),
 ('ResourceSet.cs', 'identity == VolumeIdentity.RoleIdAndIncarnation', None): (O, 'killed since by `ResourceRulesTests.SameAs_VolumesDifferingOnlyInIncarnation_DifferOnlyWhereIncarnationsAreIdentity`'),
 ('ResourceSet.cs', 'AddIfNotNull(ref problems, ResourceNames.Check(role, "role"));', 'Statement'): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'AddIfNotNull(ref problems, ResourceNames.Check(v.Role, "role"));', 'Statement'): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'if (v.Size <= 0)', None): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'must have a positive size', 'Statement'): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'has a negative incarnation', 'Statement'): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'if (problems.Count > 0)', None): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed` and `Validate_ValidSet_DoesNotThrow`'),
 ('ResourceSet.cs', 'throw new InvalidResourceException(string.Join', 'Statement'): (O, 'killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'other is not null', 'Logical'): (O, 'killed since by `ResourceRulesTests.Equals_SetsDifferingOnlyInAReservedAmount_AreNotEqual`'),
 ('ResourceSet.cs', 'a.Count == b.Count && a.All', None): (O, 'killed since by `ResourceRulesTests.Equals_SetsDifferingOnlyInAReservedAmount_AreNotEqual`'),
 ('ResourceSet.cs', 'hash.Add(', 'Statement'): (E, 'a weaker hash code: equal sets still hash alike, which is all a hash code promises'),
 ('ResourceSet.cs', '(problems ??= []).Add(problem);', None): (O, 'all but the last problem would be lost: killed since by `ResourceRulesTests.Problems_EveryProblemOfTheSetIsListed`'),
 ('ResourceSet.cs', 'public bool IsEmpty => Creates.IsEmpty && Destroys.IsEmpty;', None): (O, 'killed since by `ResourceRulesTests.IsEmpty_DeltaWithOnlyACreate_IsNotEmpty`'),
 ('Volume.cs', 'return c != 0 ? c : Size.CompareTo(other.Size);', None): (O, 'killed since by `ResourceRulesTests.Create_TwoVolumesDifferingOnlyInSize_BothKeptAndReportedAsADuplicateId`'),
 ('Volume.cs', 'public static bool operator', None): (O, 'killed since by `ResourceRulesTests.Operators_FollowCompareTo`'),
 ('Volume.cs', '{', 'Block removal'): (O, 'the role ordering first: killed since by `ResourceRulesTests.Operators_FollowCompareTo`'),
 ('WorkPath.cs', 'if (length == 0 || (path[start]', None): (O, 'killed since by `ResourceRulesTests.EnsureConfined_SegmentsThatOnlyLookLikeDots_Accepted`'),
 ('WorkPath.cs', 'throw Outside(path);', 'Statement'): (O, 'killed since by `ResourceRulesTests.EnsureConfined_EscapingPath_Throws` (NUL)'),
 ('WorkPath.cs', 'return slash < 0 ? ReadOnlySpan<char>.Empty : path[..slash];', None): (E, 'at slash 0 both give the empty span (`path[..0]`)'),
 ('WorkPath.cs', 'if (segment.Length > 0)', None): (O, 'killed since by `ResourceRulesTests.Combine_SkipsEmptySegmentsWherever_TheyAre`'),
 ('WorkPath.cs', 'result.Reverse();', None): (O, 'killed since by `ResourceRulesTests.SelfAndAncestors_ShallowestFirst`'),
}
G = 'guard'
MANUAL.update({
 ('FaultInjectingFileSystem.cs', '$"#{Number}', 'Conditional'): ('message', 'the " FAILED" mark in a step\'s text'),
 ('FaultInjectingFileSystem.cs', 'Crash: true, UntilCleared: false', 'Boolean'): (O, 'a crash rule would stay armed after it fired and crash the next life at the same operation; only impl unit tests use `CrashAfterNext` (the checkers crash by step number), and none runs a second matching step on the same disk'),
 ('FaultInjectingFileSystem.cs', 'rules.Clear();', 'Statement'): (O, 'fault-injection machinery: exercised by every lockstep and Coyote run, not by the impl unit tests'),
 ('FaultInjectingFileSystem.cs', 'crashAfterStep = -1;', None): (O, 'fault-injection machinery: exercised by every lockstep and Coyote run, not by the impl unit tests'),
 ('FaultInjectingFileSystem.cs', 'return true; });', 'Boolean'): (E, 'the value of a step whose operation returns nothing is discarded by the `void` method around it'),
 ('FaultInjectingFileSystem.cs', 'Failed(step);', 'Statement'): (O, 'the step observer\'s report of an I/O error raised by the inner disk (not an injected one): only the narrated traces show it'),
 ('FaultInjectingFileSystem.cs', 'StepObserver?.Invoke(step with { Failed = true })', None): (O, 'the step observer\'s failed flag: read by Coyote\'s trace narration and the writeback commit points, not by the impl unit tests'),
 ('FaultInjectingFileSystem.cs', 'WorkPath.EnsureConfined', 'Statement'): (G, 'confinement checked again by the inner disk (every adapter calls `EnsureConfined`), so removing this copy changes only which layer throws'),
 ('LocalFileSystem.cs', 'throw new DirectoryNotFoundException($"Work directory', 'Statement'): (O, 'a missing work directory at construction: no test constructs one on a missing path'),
 ('LocalFileSystem.cs', 'throw new IOException($"Cannot create directory', 'Statement'): (E, '`Directory.CreateDirectory` on a file throws an IOException itself: callers see the same type, with .NET\'s text'),
 ('LocalFileSystem.cs', 'return false;', 'Boolean'): (E, 'only whether the agent warns that a directory was already gone'),
 ('LocalFileSystem.cs', 'return true;', 'Boolean'): (E, 'only whether the agent warns that a directory was already gone'),
 ('LocalFileSystem.cs', 'throw new DirectoryNotFoundException($"Cannot write', 'Statement'): (E, 'writing into a missing directory throws DirectoryNotFoundException from .NET itself'),
 ('LocalFileSystem.cs', 'RandomAccess.FlushToDisk(handle);', 'Statement'): (O, 'the real file fsync: no test can tell without cutting the power; the simulated disk models it and `FileSystemEquivalenceTests` hold the two to the same visible behaviour, not to durability (the benchmark of one durable update would show the missing fsync as a speed-up)'),
 ('LocalFileSystem.cs', 'throw new DirectoryNotFoundException($"Cannot rename to', 'Statement'): (E, '`File.Move` into a missing directory throws DirectoryNotFoundException itself'),
 ('LocalFileSystem.cs', 'throw new IOException($"Cannot rename to', 'Statement'): (E, 'rename(2) of a file onto a directory fails with EISDIR, which .NET raises as an IOException'),
 ('LocalFileSystem.cs', 'return;', 'Statement'): (E, 'a rename onto itself: `File.Move` of a path onto itself with overwrite leaves it as it was'),
 ('LocalFileSystem.cs', 'throw new DirectoryNotFoundException($"Cannot fsync directory', 'Statement'): (E, 'open(2) of a missing directory fails and the native wrapper throws an IOException for it'),
 ('LocalFileSystem.cs', 'NativeDirectorySync.Fsync(full);', 'Statement'): (O, 'the real directory fsync: as the file fsync, unobservable without a power cut'),
 ('LocalFileSystem.cs', 'return Directory.Exists(full) ? full', 'Conditional'): (E, 'listing a missing directory throws DirectoryNotFoundException from .NET itself'),
 ('LocalFileSystem.cs', 'throw new IOException($"Cannot {verb}', 'Statement'): (O, 'reading a directory as a file would raise UnauthorizedAccessException, which is no IOException, so the agent would crash where it now exits: no test puts a directory where a checkpoint file belongs'),
 ('LocalFileSystem.cs', 'return File.Exists(full) ? full', 'Conditional'): (E, 'reading a missing file throws FileNotFoundException from .NET itself'),
 ('LocalFileSystem.cs', 'return path.Length == 0 ? throw', 'Conditional'): (G, 'no caller names the work directory itself as a file or a directory to remove: every path comes from `AgentLayout`'),
 ('LocalFileSystem.cs', 'WorkPath.EnsureConfined(path);', 'Statement'): (G, 'defence in depth: every path reaching the disk was built by `AgentLayout` from validated names'),
 ('LocalFileSystem.cs', 'throw new PathOutsideWorkDirectoryException', 'Statement'): (G, 'a symbolic link out of the work directory: no test plants one'),
 ('LocalFileSystem.cs', 'Architecture.Arm or Architecture.Arm64 ? 0x4000', None): (E, 'the O_DIRECTORY flag of ARM; this machine is x64'),
 ('LocalFileSystem.cs', 'throw new PlatformNotSupportedException', 'Statement'): (E, 'only on a platform other than Linux'),
 ('LocalFileSystem.cs', 'fullPath + "\\0"', 'String'): (O, 'without the terminating NUL the native call reads past the array; it works by accident where the bytes after it happen to be zero: a memory-safety mistake no test can see'),
 ('LocalFileSystem.cs', 'ORdOnly | ODirectory', 'Bitwise'): (E, 'O_RDONLY is 0, so the mutation drops O_DIRECTORY, which only adds a check that the path is a directory; every caller passes one'),
 ('LocalFileSystem.cs', 'if (fd < 0)', 'Equality'): (E, 'open(2) returns 0 only when stdin is closed, never in a test process'),
 ('LocalFileSystem.cs', 'throw new IOException($"open(', 'Statement'): (O, 'open(2) of a directory failing: no test makes it fail'),
 ('LocalFileSystem.cs', 'throw new IOException($"fsync(', 'Statement'): (O, 'fsync(2) failing: no test makes it fail on a real disk'),
 ('LocalFileSystem.cs', '{', 'Block removal'): (O, 'the `finally` that closes the descriptor: one descriptor leaked per directory fsync, which no test counts'),
 ('SimulatedFileSystem.cs', 'Failures++;', None): (E, 'a counter of crashes and power losses that only diagnostics read'),
 ('SimulatedFileSystem.cs', 'RequireNotRoot(', 'Statement'): (G, 'no caller names the work directory itself: every path comes from `AgentLayout`'),
 ('SimulatedFileSystem.cs', 'WorkPath.EnsureConfined(path);', 'Statement'): (G, 'confinement is checked by the fault-injecting disk in front of it on every mutating step, and by every adapter'),
 ('SimulatedFileSystem.cs', 'if (slash < 0)', 'Equality'): (E, 'a confined path never starts with \'/\', so `slash` is never 0'),
 ('SimulatedFileSystem.cs', 'throw new IOException($"Cannot {verb} the work directory itself")', 'Statement'): (G, 'no caller names the work directory itself'),
 ('SimulatedFileSystem.cs', 'return;', 'Statement'): (O, 'early returns of the simulated disk\'s rename and removal paths no impl unit test reaches'),
 ('SimulatedFileSystem.cs', 'directory.MakeEntriesDurable();', 'Statement'): (O, 'a `KeepMetadata` power loss keeps entries without making them durable: shows only at a second power loss. The model checker\'s bounds give two; no unit test does'),
 ('SimulatedFileSystem.cs', 'durableIsCurrent', None): (E, 'a flag that skips copying when nothing changed since the last fsync; starting or leaving it false only copies more'),
})

def classify(fname, line, mut):
    for (f, sub, ms), (v, why) in MANUAL.items():
        if (f is None or f == fname) and sub in line and (ms is None or ms in mut):
            if 'killed since by' in why:
                return 'closed', why.replace('killed since by', 'pinned since by')
            return v, why
    for f, rx, ms, v, why in RULES:
        if (f is None or f == fname) and re.search(rx, line) and (ms is None or ms in mut):
            return v, why
    return 'UNTRIAGED', ''
rows = []
counts = collections.Counter()
for path, d in sorted(r['files'].items()):
    fname = path.split('/')[-1]
    src = d['source'].split('\n')
    for m in sorted(d['mutants'], key=lambda m: (m['location']['start']['line'], m['location']['start']['column'])):
        if m['status'] not in ('Survived', 'NoCoverage'):
            continue
        l = m['location']['start']['line']
        line = src[l - 1].strip()
        v, why = classify(fname, line, m['mutatorName'])
        counts[v] += 1
        rows.append((fname, l, 'no coverage' if m['status'] == 'NoCoverage' else 'survived', m['mutatorName'], line, m.get('replacement', ''), v, why))
mode = sys.argv[2] if len(sys.argv) > 2 else 'md'
if mode == 'untriaged':
    for row in rows:
        if row[6] == 'UNTRIAGED':
            print(f"{row[0]}:{row[1]} [{row[2]}] {row[3]} :: {row[4][:120]} => {row[5][:80]}")
    print(counts)
else:
    def cell(t):
        t = t.replace('|', '\\|').replace('\n', ' ')
        return t if len(t) <= 90 else t[:87] + '...'
    print('| file:line | status | mutation | code | triage | why |')
    print('|---|---|---|---|---|---|')
    for fname, l, st, mut, line, rep, v, why in rows:
        print(f"| {fname}:{l} | {st} | {cell(mut)} | `{cell(line)}` | {v} | {why} |")
    print()
    print('counts:', dict(counts))
