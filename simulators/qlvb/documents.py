"""Generates the documents of every register (sources.md §3, §9): messages, and their `di`/`den` entries.

A message is one document as its sender issued it. It becomes a `di` entry in the sender's register (for a
sender inside the province) and a `den` entry in the register of each receiver inside the province, each
entry with its own id. Messages from outside the province arrive over the national axis; some of them
arrive only as edXML files (`packaged` 2), some both ways (`packaged` 1, quirk Q17).
"""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER, from_days, to_days
from simulators.configuration import load
from simulators.dvc.agencies import Agency
from simulators.hashing import guid
from simulators.qlvb.requirements import RequiredDocuments
from simulators.sampling import share_of
from simulators.workdays import HolidayCalendar

# Event columns of an entry; a version is the latest event at or before the moment.
COLUMN = {"created": 0, "assigned": 1, "started": 2, "done": 3, "updated": 4, "recalled": 5}
SECRET_LEVELS = ("", "Mật", "Tối mật", "Tuyệt mật")
FORMS = ("điện tử", "cả hai", "giấy")
PAPER = 2
# Agency seal on the document: none, valid, or present but failing validation.
NO_SEAL, VALID_SEAL, INVALID_SEAL = 0, 1, 2
API_ONLY, BOTH_WAYS, FILE_ONLY = 0, 1, 2
PLAN_TYPE = 10
# A department's required documents are signed by a deputy head ("KT. GIÁM ĐỐC") in working hours.
DEPUTY_SIGNER = 1
OPENING, CLOSING = 8 * HOUR, 16 * HOUR


@dataclass
class Messages:
    sender: np.ndarray  # int64: agency index, or -(1 + index into central agencies)
    created: np.ndarray  # int64 seconds: signature and promulgation
    kind: np.ndarray  # int64 index into the configured types
    number: np.ndarray  # int64 CodeNumber, per sender and year
    division: np.ndarray  # int64 index into divisions (công văn notation)
    normative: np.ndarray  # bool: the year is part of the notation
    old_format: np.ndarray  # bool: DocumentId names the sender in the old code format
    subject: list[str]
    priority: np.ndarray
    secret: np.ndarray  # index into SECRET_LEVELS
    form: np.ndarray  # index into FORMS
    seal: np.ndarray
    personal: np.ndarray  # bool: a personal signature of the signer too
    signer: np.ndarray
    due: np.ndarray  # int64 seconds of the DueDate day, or NEVER
    updated: np.ndarray  # int64 seconds, or NEVER
    recalled: np.ndarray  # int64 seconds, or NEVER
    replaces: np.ndarray  # int64 message index replaced by this one, or -1
    receivers: list[list[int]]  # agency indices and -(1 + central index)
    packaged: np.ndarray  # API_ONLY, BOTH_WAYS or FILE_ONLY
    plan: np.ndarray  # bool: the sender's CCHC plan for year Y

    def __len__(self) -> int:
        return len(self.sender)


@dataclass
class Entries:
    keys: list[str]
    message: np.ndarray
    incoming: np.ndarray  # bool: `den`
    holder: np.ndarray  # agency index of the register
    register_number: np.ndarray  # SoDen (den), else 0
    lead_due: np.ndarray  # int64 seconds of the HanXuLy day, or NEVER
    office_unit: np.ndarray  # bool: the lead is the Office's division rather than the Office itself
    events: np.ndarray  # (n, 6) int64, COLUMN

    def __len__(self) -> int:
        return len(self.message)


@dataclass
class Registers:
    messages: Messages
    entries: Entries
    orphan_recalls: list[tuple[int, int, int]]  # (central sender, receiver, time) of recalls of nothing
    package_recalls: np.ndarray  # message indices whose recall or update also arrives as a package
    required: RequiredDocuments  # the departments' required documents and their ground truth
    required_first: int  # message index of the first required document; the others follow in order


def generate_registers(
    agencies: list[Agency],
    preset: dict,
    year: int,
    period: tuple[int, int],
    calendar: HolidayCalendar,
    rates: dict[str, float],
    seed: int,
    rng: np.random.Generator,
    required: RequiredDocuments,
) -> Registers:
    config = load("qlvb")
    holders = [i for i, a in enumerate(agencies) if a.unit_type in ("so-ban-nganh", "xa-phuong", "cnvpdk")]
    office = holders[0]
    scale_up = 13 / 12
    total, office_total = preset["documents"] * scale_up, preset["office_documents"] * scale_up
    office_in = preset["office_incoming"] * scale_up
    files = round(preset["edxml_files"] * scale_up)
    others = holders[1:]
    weights = rng.lognormal(0.0, 0.35, len(others))
    volume = dict(zip(others, (weights / weights.sum() * (total - office_total)).tolist(), strict=True))
    out_share = rng.uniform(0.35, 0.5, len(others))
    outgoing = {a: round(volume[a] * share) for a, share in zip(others, out_share.tolist(), strict=True)}
    incoming = {a: round(volume[a]) - outgoing[a] for a in others}
    outgoing[office], incoming[office] = round(office_total - office_in), round(office_in)
    centrals = len(config["central_agencies"])

    senders = np.repeat(np.array(holders), [outgoing[a] for a in holders])
    rng.shuffle(senders)
    pool = np.repeat(np.array(holders), [incoming[a] for a in holders])
    rng.shuffle(pool)
    fan_out = rng.choice(4, size=len(senders), p=[0.35, 0.45, 0.12, 0.08])
    sender_list, receivers, leftover = [], [], []
    cursor = 0
    pool_list = pool.tolist()
    for sender, count in zip(senders.tolist(), fan_out.tolist(), strict=True):
        chosen = set()
        for receiver in pool_list[cursor : cursor + count]:
            # A slot the sender cannot fill itself is left to a message from outside the province.
            (leftover.append if receiver == sender or receiver in chosen else chosen.add)(receiver)
        cursor += count
        sender_list.append(sender)
        receivers.append(sorted(chosen) or [-1 - int(rng.integers(centrals))])
    # Incoming slots left over arrive from outside the province, one or two receivers per message.
    rest = pool_list[cursor:] + leftover
    position = 0
    while position < len(rest):
        width = 2 if rng.random() < 0.2 and rest[position] != rest[min(position + 1, len(rest) - 1)] else 1
        sender_list.append(-1 - int(rng.integers(centrals)))
        receivers.append(sorted(set(rest[position : position + width])))
        position += width
    external_api = len(sender_list)

    reserved = max(1, round(0.03 * files)), max(1, round(0.015 * files)), max(1, round(0.01 * files))
    # Q17: the share of the new packages that the API serves too; the others exist only as files.
    file_only = max(1, round((1 - rates["Q17"]) * (files - sum(reserved))))
    for _ in range(file_only):
        sender_list.append(-1 - int(rng.integers(centrals)))
        receivers.append([holders[int(rng.integers(len(holders)))]])

    plan_senders, plan_days = _plans(holders, year, calendar, rng)
    sender_list.extend(plan_senders)
    receivers.extend([[office if s != office else holders[min(1, len(holders) - 1)]] for s in plan_senders])
    count = len(sender_list)
    sender = np.array(sender_list, dtype=np.int64)
    plan = np.zeros(count, dtype=bool)
    plan[count - len(plan_senders) :] = True
    packaged = np.zeros(count, dtype=np.int8)
    packaged[external_api : external_api + file_only] = FILE_ONLY

    days = _working_days(count, calendar, period, rng)
    days[plan] = plan_days
    created = days + rng.integers(int(7.5 * HOUR), 17 * HOUR, count)
    types = config["types"]
    type_weights = np.array([t["weight"] for t in types])
    kind = rng.choice(len(types), size=count, p=type_weights / type_weights.sum())
    kind[plan] = PLAN_TYPE - 1
    secret = np.where(rng.random(count) < 0.01, rng.integers(1, 4, count), 0)
    secret[plan | (packaged == FILE_ONLY)] = 0
    electronic_share = _per_sender(sender, len(agencies), 0.98, 1.0, rng)
    electronic = rng.random(count) < electronic_share
    form = np.where(electronic, np.where(rng.random(count) < 0.1, 1, 0), PAPER)
    form[secret > 0] = PAPER
    form[plan | (packaged == FILE_ONLY)] = 0
    seal_share = _per_sender(sender, len(agencies), 0.9, 1.0, rng)
    sealed = rng.random(count) < seal_share
    seal = np.where(sealed, VALID_SEAL, np.where(rng.random(count) < 0.5, INVALID_SEAL, NO_SEAL))
    seal[form == PAPER] = NO_SEAL

    api_external = np.flatnonzero(
        (sender < 0) & (packaged == API_ONLY) & (secret == 0) & (form != PAPER) & ~plan
    )
    overlap = min(len(api_external), files - sum(reserved) - file_only)
    both = rng.choice(api_external, size=overlap, replace=False)
    packaged[both] = BOTH_WAYS
    updated = np.full(count, NEVER, dtype=np.int64)
    recalled = np.full(count, NEVER, dtype=np.int64)
    in_files = np.flatnonzero(packaged > 0)
    file_changes = rng.choice(in_files, size=min(len(in_files), reserved[0] + reserved[1]), replace=False)
    recall_pick = file_changes[: reserved[0]]
    update_pick = file_changes[reserved[0] :]
    ordinary = np.flatnonzero((packaged == API_ONLY) & ~plan & (secret == 0))
    recall_pick = np.concatenate([recall_pick, share_of(ordinary, rates["Q10"], rng)])
    update_pick = np.concatenate([update_pick, share_of(ordinary, 0.4 * rates["Q10"], rng)])
    recalled[recall_pick] = created[recall_pick] + rng.integers(HOUR, 10 * DAY, len(recall_pick))
    update_pick = np.setdiff1d(update_pick, recall_pick)
    updated[update_pick] = created[update_pick] + rng.integers(HOUR, 10 * DAY, len(update_pick))
    replaced = np.setdiff1d(share_of(ordinary, 0.2 * rates["Q10"], rng), recall_pick)

    messages = Messages(
        sender=sender,
        created=created,
        kind=kind.astype(np.int64),
        number=np.zeros(count, dtype=np.int64),
        division=rng.integers(0, len(config["divisions"]), count),
        normative=np.isin(kind, [0, 1]) & (rng.random(count) < 0.05),
        old_format=rng.random(count) < 0.7,
        subject=[],
        priority=rng.choice(4, size=count, p=[0.8, 0.12, 0.06, 0.02]),
        secret=secret,
        form=form,
        seal=seal,
        personal=rng.random(count) < 0.8,
        signer=rng.integers(0, len(config["signers"]), count),
        due=np.where(rng.random(count) < 0.4, days + rng.integers(5, 16, count) * DAY, NEVER),
        updated=updated,
        recalled=recalled,
        replaces=np.full(count, -1, dtype=np.int64),
        receivers=receivers,
        packaged=packaged,
        plan=plan,
    )
    messages = _with_replacements(messages, replaced, calendar, rng)
    required_first = len(messages)
    messages = _with_required(messages, required, rng)
    _number(messages)
    messages.subject = _subjects(messages, agencies, year, config, rng)
    messages.subject[required_first:] = [document.subject for document in required.documents]
    entries = _entries(messages, agencies, set(holders), office, calendar, seed, rng)
    orphans = [
        (int(rng.integers(centrals)), holders[int(rng.integers(len(holders)))], int(t))
        for t in rng.integers(period[0], period[1], reserved[2]).tolist()
    ]
    return Registers(messages, entries, orphans, file_changes, required, required_first)


def _per_sender(sender: np.ndarray, agencies: int, low: float, high: float, rng) -> np.ndarray:
    """A share per internal sender drawn from [low, high]; senders outside the province always reach high."""
    share = rng.uniform(low, high, agencies)
    return np.where(sender >= 0, share[np.maximum(sender, 0)], high)


def _working_days(count: int, calendar: HolidayCalendar, period: tuple[int, int], rng) -> np.ndarray:
    days = np.arange(to_days(np.array([period[0]]))[0], to_days(np.array([period[1]]))[0] + 1)
    working = days[calendar.is_working_day(days)]
    return from_days(rng.choice(working, size=count))


def _plans(holders: list[int], year: int, calendar: HolidayCalendar, rng) -> tuple[list[int], np.ndarray]:
    """Each register holder's CCHC plan for year Y: mostly in December Y-1, some late, some never issued."""
    outcome = rng.choice(3, size=len(holders), p=[0.75, 0.15, 0.10])
    if len(holders) >= 3:
        forced = rng.permutation(len(holders))[:2]
        outcome[forced[0]], outcome[forced[1]] = 1, 2
    december = np.arange(np.datetime64(f"{year - 1}-12-01"), np.datetime64(f"{year - 1}-12-31"))
    late = np.arange(np.datetime64(f"{year}-01-02"), np.datetime64(f"{year}-03-01"))
    senders, days = [], []
    for holder, result in zip(holders, outcome.tolist(), strict=True):
        if result == 2:
            continue
        window = december if result == 0 else late
        window = window[calendar.is_working_day(window)]
        senders.append(holder)
        days.append(rng.choice(window))
    return senders, from_days(np.array(days, dtype="datetime64[D]"))


def _with_replacements(messages: Messages, replaced: np.ndarray, calendar, rng) -> Messages:
    """Adds, for each replaced message, a new one from the same sender to the same receivers (Q10)."""
    if len(replaced) == 0:
        return messages
    extra = len(replaced)
    later = messages.created[replaced] + rng.integers(DAY, 10 * DAY, extra)
    columns = {}
    for name, column in vars(messages).items():
        if isinstance(column, np.ndarray):
            columns[name] = np.concatenate([column, column[replaced]])
    columns["created"][-extra:] = later
    columns["updated"][-extra:] = NEVER
    columns["recalled"][-extra:] = NEVER
    columns["replaces"][-extra:] = replaced
    columns["due"][-extra:] = np.where(
        messages.due[replaced] < NEVER, messages.due[replaced] + 5 * DAY, NEVER
    )
    receivers = messages.receivers + [messages.receivers[i] for i in replaced.tolist()]
    return Messages(**columns, subject=[], receivers=receivers)


def _with_required(messages: Messages, required: RequiredDocuments, rng) -> Messages:
    """Appends the departments' required documents (requirements.py): electronic and sealed, except the
    secret decoy, which goes on paper; the recalled decoy is recalled within hours."""
    documents = required.documents
    count, first = len(documents), len(messages)
    days = from_days(np.array([d.day for d in documents], dtype="datetime64[D]"))
    created = days + rng.integers(OPENING, CLOSING, count)
    secret = np.array([1 if d.secret else 0 for d in documents], dtype=np.int64)
    recalled = np.array([d.recalled for d in documents], dtype=bool)
    never = np.full(count, NEVER, dtype=np.int64)
    added = {
        "sender": np.array([d.sender for d in documents], dtype=np.int64),
        "created": created,
        "kind": np.array([d.kind for d in documents], dtype=np.int64),
        "number": np.zeros(count, dtype=np.int64),
        "division": rng.integers(0, len(load("qlvb")["divisions"]), count),
        "normative": np.zeros(count, dtype=bool),
        "old_format": rng.random(count) < 0.7,
        "priority": np.zeros(count, dtype=np.int64),
        "secret": secret,
        "form": np.where(secret > 0, PAPER, 0),
        "seal": np.where(secret > 0, NO_SEAL, VALID_SEAL),
        "personal": np.ones(count, dtype=bool),
        "signer": np.full(count, DEPUTY_SIGNER, dtype=np.int64),
        "due": never,
        "updated": never,
        "recalled": np.where(recalled, created + rng.integers(HOUR, 4 * HOUR, count), NEVER),
        "replaces": np.array([first + d.replaces if d.replaces >= 0 else -1 for d in documents]),
        "packaged": np.full(count, API_ONLY, dtype=np.int8),
        "plan": np.zeros(count, dtype=bool),
    }
    columns = {name: np.concatenate([getattr(messages, name), column]) for name, column in added.items()}
    receivers = messages.receivers + [list(d.receivers) for d in documents]
    return Messages(**columns, subject=[], receivers=receivers)


def _number(messages: Messages) -> None:
    """CodeNumber restarts each year in each sender's register, in order of issue."""
    years = to_days(messages.created).astype("datetime64[Y]").astype(np.int64)
    group = messages.sender * 10_000 + years
    order = np.lexsort((messages.created, group))
    grouped = group[order]
    starts = np.r_[0, np.flatnonzero(grouped[1:] != grouped[:-1]) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    messages.number[order] = np.arange(len(order)) - run_start + 1


def _subjects(messages: Messages, agencies: list[Agency], year: int, config: dict, rng) -> list[str]:
    subjects = config["subjects"]
    plan_texts = config["plan_subjects"]
    draws = rng.integers(0, 1 << 30, len(messages)).tolist()
    texts = []
    for kind, sender, plan, draw in zip(
        messages.kind.tolist(), messages.sender.tolist(), messages.plan.tolist(), draws, strict=True
    ):
        if plan:
            template = plan_texts[draw % len(plan_texts)]
            texts.append(template.format(Y=year, agency=agencies[sender].name))
            continue
        options = subjects.get(kind + 1, subjects["default"])
        texts.append(options[draw % len(options)].format(Y=year, P=year - 1))
    return texts


def _entries(
    messages: Messages,
    agencies: list[Agency],
    holders: set[int],
    office: int,
    calendar: HolidayCalendar,
    seed: int,
    rng,
) -> Entries:
    message_ids, entry_holders, incoming = [], [], []
    for index, (sender, packaged) in enumerate(
        zip(messages.sender.tolist(), messages.packaged.tolist(), strict=True)
    ):
        if packaged == FILE_ONLY:
            continue
        if sender >= 0:
            message_ids.append(index)
            entry_holders.append(sender)
            incoming.append(False)
        for receiver in messages.receivers[index]:
            # Divisions and the province receive documents without a register of their own.
            if receiver in holders:
                message_ids.append(index)
                entry_holders.append(receiver)
                incoming.append(True)
    message = np.array(message_ids, dtype=np.int64)
    holder = np.array(entry_holders, dtype=np.int64)
    den = np.array(incoming, dtype=bool)
    count = len(message)
    created = messages.created[message] + np.where(
        den, np.minimum(rng.exponential(2 * HOUR, count).astype(np.int64) + 300, 3 * DAY), 0
    )
    register_number = np.zeros(count, dtype=np.int64)
    years = to_days(created).astype("datetime64[Y]").astype(np.int64)
    group = np.where(den, holder * 10_000 + years, -1)
    order = np.lexsort((created, group))
    grouped = group[order]
    starts = np.r_[0, np.flatnonzero(grouped[1:] != grouped[:-1]) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, count]))
    register_number[order] = np.arange(count) - run_start + 1
    register_number[~den] = 0

    arrival_day = to_days(created)
    has_due = den & (rng.random(count) < 0.9)
    due_day = from_days(calendar.add_working_days(arrival_day, rng.integers(3, 11, count)))
    lead_due = np.where(has_due, due_day, NEVER)
    on_time_share = rng.uniform(0.85, 0.98, len(agencies))[holder]
    on_time = rng.random(count) < on_time_share
    deadline = due_day + 17 * HOUR
    done = np.where(
        has_due,
        np.where(
            on_time,
            created + (rng.uniform(0.2, 0.95, count) * np.maximum(deadline - created, HOUR)).astype(np.int64),
            np.where(rng.random(count) < 0.85, deadline + rng.integers(DAY, 15 * DAY, count), NEVER),
        ),
        created + rng.integers(DAY, 20 * DAY, count),
    )
    span = np.where(done < NEVER, done - created, 3 * DAY)
    assigned = created + span // 10
    started = created + span * 3 // 10
    never = np.full(count, NEVER, dtype=np.int64)
    events = np.stack(
        [
            created,
            np.where(den, assigned, never),
            np.where(den, started, never),
            np.where(den, done, never),
            # A change made before a receiver's entry existed shows from the entry's creation on.
            np.maximum(messages.updated[message], created),
            np.maximum(messages.recalled[message], created),
        ],
        axis=1,
    )
    return Entries(
        keys=[guid(seed, 21, position) for position in range(count)],
        message=message,
        incoming=den,
        holder=holder,
        register_number=register_number,
        lead_due=lead_due,
        office_unit=(holder == office) & (rng.random(count) < 0.7),
        events=events.astype(np.int64),
    )
