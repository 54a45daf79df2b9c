"""The review's built-in Python checks: each fires on the defect and stays quiet on the safe form,
reports only what a change introduces, and blocks a commit without any model."""

import json
import textwrap
from pathlib import Path

import pytest

from codey_git.review.patterns import introduced_hits
from conftest import git, write_files

ROOT = Path(__file__).resolve().parents[1]

# (check, defective code, the safe way to write it); ruff:CODE is ruff's rule (review/ruffcheck.py)
CASES = [
    ("code_from_text", "def run(expr):\n    return eval(expr)\n", "def run():\n    return eval('1 + 1')\n"),
    (
        "code_from_text",
        "import pickle\n\ndef load(blob):\n    return pickle.loads(blob)\n",
        "import json\n\ndef load(blob):\n    return json.loads(blob)\n",
    ),
    (
        "code_from_text",
        "import yaml\n\ndef read(text):\n    return yaml.load(text)\n",
        "import yaml\n\ndef read(text):\n    return yaml.load(text, Loader=yaml.SafeLoader)\n",
    ),
    (
        "command_or_query_from_values",
        "import subprocess\n\ndef show(ref):\n    return subprocess.run(f'git show {ref}', shell=True)\n",
        "import subprocess\n\ndef show(ref):\n    return subprocess.run(['git', 'show', ref])\n",
    ),
    (
        "command_or_query_from_values",
        "import os\n\ndef rm(path):\n    os.system('rm ' + path)\n",
        "import os\n\ndef rm(path):\n    os.remove(path)\n",
    ),
    (
        "command_or_query_from_values",
        "def find(cur, name):\n    cur.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n",
        "def find(cur, name):\n    cur.execute('SELECT * FROM t WHERE n = ?', (name,))\n",
    ),
    (
        "certificates_off",
        "import requests\n\ndef get(url):\n    return requests.get(url,\n        verify=False)\n",
        "import requests\n\ndef get(url):\n    return requests.get(url, timeout=5)\n",
    ),
    ("hard_coded_secret", 'API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n', 'import os\n\nAPI_KEY = os.environ["API_KEY"]\n'),
    (
        "random_for_secrets",
        "import random\n\ndef reset_token():\n    return random.getrandbits(64)\n",
        "import secrets\n\ndef reset_token():\n    return secrets.token_hex(8)\n",
    ),
    (
        "changed_while_iterated",
        "def prune(xs):\n    for x in xs:\n        if x < 0:\n            xs.remove(x)\n",
        "def prune(xs):\n    for x in list(xs):\n        if x < 0:\n            xs.remove(x)\n",
    ),
    (
        "missing_await",
        "async def save(x):\n    ...\n\nasync def handle(x):\n    save(x)\n",
        "async def save(x):\n    ...\n\nasync def handle(x):\n    await save(x)\n",
    ),
    (
        "missing_await",
        "async def items(url):\n    ...\n\nasync def latest(url):\n    xs = items(url)\n    return sorted(xs)[:3]\n",
        "import asyncio\n\nasync def items(url):\n    ...\n\nasync def both(a, b):\n    x = items(a)\n    y = items(b)\n"
        "    return await asyncio.gather(x, y)\n\n\nasync def lines(path):\n    yield path\n\n\n"
        "async def show(path):\n    async for line in lines(path):\n        print(line)\n    gen = lines(path)\n"
        "    print(gen)\n",
    ),
    (
        "missing_await",
        "async def save(x):\n    ...\n\nasync def handle(xs):\n    for x in xs:\n        save(x)\n",
        "import asyncio\n\nasync def save(x):\n    ...\n\nasync def handle(xs):\n"
        "    await asyncio.gather(*(save(x) for x in xs))\n    await asyncio.gather(*[save(x) for x in xs])\n",
    ),
    ("ruff:F632", "def is_admin(role):\n    return role is 'admin'\n", "def is_admin(role):\n    return role == 'admin'\n"),
    (
        "dict_iterated_as_pairs",
        "def show(prices: dict):\n    for name, price in prices:\n        print(name, price)\n",
        "def show(prices: dict):\n    for name, price in prices.items():\n        print(name, price)\n",
    ),
    (
        "condition_never_changes",
        "def drain(n):\n    i = 0\n    while i < n:\n        print(i)\n",
        "def drain(n):\n    i = 0\n    while i < n:\n        print(i)\n        i += 1\n",
    ),
    (
        "index_loop_stops_short",
        "def total(xs):\n    t = 0\n    for i in range(len(xs) - 1):\n        t += xs[i]\n    return t\n",
        "def gaps(xs):\n    return [xs[i + 1] - xs[i] for i in range(len(xs) - 1)]\n",
    ),
    (
        "ruff:B006",
        "def add(item, bag=[]):\n    bag.append(item)\n    return bag\n",
        "def add(item, bag=None):\n    bag = [] if bag is None else bag\n    bag.append(item)\n    return bag\n",
    ),
    (
        "swallowed_exception",
        "def load(f):\n    try:\n        return f()\n    except Exception:\n        pass\n",
        "def load(f):\n    try:\n        return f()\n    except FileNotFoundError:\n        return None\n",
    ),
    (
        "naive_and_aware_datetimes",
        "from datetime import datetime, timezone\n\nEPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)\n\n"
        "def age():\n    return datetime.now() - EPOCH\n",
        "from datetime import datetime, timezone\n\nEPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)\n\n"
        "def age():\n    return datetime.now(timezone.utc) - EPOCH\n",
    ),
    (
        "changed_while_iterated",
        "def purge(tasks):\n    for i, t in enumerate(tasks):\n        if t.done:\n            del tasks[i]\n    return tasks\n",
        "def purge(tasks):\n    for i, t in enumerate(tasks):\n        if t.done:\n            del tasks[i]\n"
        "            break\n    return tasks\n",
    ),
    (
        "changed_while_iterated",
        "def drop(xs, t):\n    for x in xs:\n        if x == t:\n            xs.remove(x)\n",
        "def drop(xs, t):\n    for x in xs:\n        if x == t:\n            xs.remove(x)\n            break\n",
    ),
    (
        "fast_password_hash",
        "import hashlib\n\ndef store(user, password):\n    user.pw = hashlib.sha256(password.encode()).hexdigest()\n",
        "import hashlib\n\ndef etag(body):\n    return hashlib.sha256(body).hexdigest()\n",
    ),
    (
        "request_without_timeout",
        "import requests\n\ndef fetch(url):\n    return requests.get(url).json()\n",
        "import requests\n\ndef fetch(url, **kw):\n    return requests.get(url, **kw).json()\n",
    ),
    (
        "late_binding_closure",
        "def buttons(names, ui):\n    for name in names:\n        ui.append(lambda: print(name))\n",
        "def buttons(names, ui):\n    for name in names:\n        ui.append(lambda name=name: print(name))\n",
    ),
    (
        "call_in_default",
        "import time\n\ndef log(msg, when=time.time()):\n    print(when, msg)\n",
        "import time\n\ndef log(msg, when=None):\n    print(time.time() if when is None else when, msg)\n",
    ),
    (
        "in_place_result_used",
        "def ranked(scores):\n    scores = scores.sort(reverse=True)\n    return scores\n",
        "def ranked(scores):\n    scores = sorted(scores, reverse=True)\n    return scores\n",
    ),
    (
        "method_not_called",
        "def clean(name):\n    name = name.strip\n    return name\n",
        "def clean(name):\n    name = name.strip()\n    return name\n",
    ),
    (
        "method_not_called",
        "def numeric(s):\n    if s.isdigit:\n        return int(s)\n",
        "def numeric(s, link):\n    if s.isdigit() and link.is_file:\n        return int(s)\n",
    ),
    (
        "swallowed_exception",
        "def invoices(path):\n    try:\n        return load(path)\n    except Exception:\n        return []\n",
        "from store import load\n\n\ndef invoices(path):\n    try:\n        return load(path)\n    except FileNotFoundError:\n        return []\n",
    ),
    (
        "ruff:B012",
        "def save(f):\n    try:\n        f.write()\n    finally:\n        return True\n",
        "def save(f):\n    try:\n        f.write()\n    finally:\n        for x in f.parts:\n            break\n"
        "    return True\n",
    ),
    (
        "strip_with_affix",
        "def stem(name):\n    return name.rstrip('.csv')\n",
        "def stem(name):\n    return name.removesuffix('.csv').strip(' \\t')\n",
    ),
    (
        "strip_with_affix",
        "def names(paths, suffix='.txt'):\n    return [p.rstrip(suffix) for p in paths]\n",
        "def names(paths, chars='%%'):\n    return [p.lstrip(chars).strip('._') for p in paths]\n",
    ),
    (
        "bool_of_text",
        "def wanted(request):\n    return bool(request.args.get('all', False))\n",
        "import os\n\ndef wanted(request):\n    return request.args.get('all') == 'true' or bool(os.environ.get('DEBUG'))\n",
    ),
    (
        "end_of_file_as_none",
        "def copy(src, dst):\n    while True:\n        chunk = src.read(4096)\n"
        "        if chunk is None:\n            break\n        dst.write(chunk)\n",
        "def copy(src, dst):\n    while True:\n        chunk = src.read(4096)\n        if not chunk:\n"
        "            break\n        dst.write(chunk)\n",
    ),
    (
        "generator_used_twice",
        "def stats(rows):\n    xs = (r.x for r in rows)\n    return sum(xs), max(xs)\n",
        "def stats(rows, fast):\n    xs = (r.x for r in rows)\n    if fast:\n        return sum(xs)\n"
        "    else:\n        return max(xs)\n",
    ),
    (
        "generator_used_twice",
        "def pairs(items):\n    seq = map(str, items)\n    for a in seq:\n        for b in seq:\n            print(a, b)\n",
        "def clean(paths):\n    paths = (p for p in paths if p)\n    for p in paths:\n        print(p)\n",
    ),
    (
        "generator_used_twice",
        "def parse(raw):\n    return (float(x) for x in raw)\n\n\ndef stats(raw):\n"
        "    xs = parse(raw)\n    n = sum(1 for _ in xs)\n    return sum(xs) / n\n",
        "def parse(raw):\n    return [float(x) for x in raw]\n\n\ndef stats(raw):\n"
        "    xs = parse(raw)\n    n = sum(1 for _ in xs)\n    return sum(xs) / n\n",
    ),
    (
        "shallow_copy_changed",
        "DEFAULTS = {'db': {'host': 'x'}}\n\ndef config(host):\n    c = dict(DEFAULTS)\n"
        "    c['db']['host'] = host\n    return c\n",
        "import copy\n\nDEFAULTS = {'db': {'host': 'x'}}\n\ndef config(host):\n    c = copy.deepcopy(DEFAULTS)\n"
        "    c['db']['host'] = host\n    c2 = dict(DEFAULTS)\n    c2['db'] = {'host': host}\n    return c, c2\n",
    ),
    (
        "memo_key_without_kwargs",
        "def memo(fn):\n    cache = {}\n    def wrapper(*args, **kwargs):\n"
        "        if args not in cache:\n            cache[args] = fn(*args, **kwargs)\n        return cache[args]\n"
        "    return wrapper\n",
        "def memo(fn):\n    cache = {}\n    def wrapper(*args, **kwargs):\n"
        "        key = (args, tuple(sorted(kwargs.items())))\n        if key not in cache:\n"
        "            cache[key] = fn(*args, **kwargs)\n        return cache[key]\n    return wrapper\n",
    ),
    (
        "changed_outside_lock",
        "class Pool:\n    def take(self):\n        with self._lock:\n"
        "            if self.idle:\n                return self.idle.pop()\n        if self.made >= self.size:\n"
        "            raise RuntimeError('full')\n        self.made += 1\n",
        "class Pool:\n    def take(self):\n        with self._lock:\n            if self.idle:\n"
        "                return self.idle.pop()\n            if self.made >= self.size:\n"
        "                raise RuntimeError('full')\n            self.made += 1\n",
    ),
    (
        "path_prefix_containment",
        "import os\n\nBASE = os.path.realpath('/srv/data')\n\ndef inside(name):\n"
        "    path = os.path.realpath(os.path.join(BASE, name))\n    return path.startswith(BASE)\n",
        "import os\n\nBASE = os.path.realpath('/srv/data')\n\ndef inside(name):\n"
        "    path = os.path.realpath(os.path.join(BASE, name))\n    return path.startswith(BASE + os.sep)\n",
    ),
    (
        "changed_while_iterated",
        "def purge(d: dict, cutoff):\n    for k, v in d.items():\n        if v < cutoff:\n            del d[k]\n",
        "def purge(d, cutoff):\n    for k, v in list(d.items()):\n        if v < cutoff:\n            del d[k]\n",
    ),
    (
        "shallow_copy_changed",
        "def merge(base, extra):\n    out = dict(base)\n    for k, v in extra.items():\n"
        "        out[k].update(v)\n    return out\n",
        "def merge(base, extra):\n    out = dict(base)\n    for k, v in extra.items():\n        out[k] = {**out[k], **v}\n"
        "    return out\n",
    ),
    (
        "signature_compared_with_eq",
        "import hashlib, hmac\n\ndef valid(key, body, sig):\n"
        "    expected = hmac.new(key, body, hashlib.sha256).hexdigest()\n    return expected == sig.lower()\n",
        "import hashlib, hmac\n\ndef valid(key, body, sig):\n"
        "    expected = hmac.new(key, body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, sig)\n"
        "\n\ndef same_file(a, b):\n    return hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()\n",
    ),
    (
        "milliseconds_as_seconds",
        "import time\n\ndef poll(check, delay_ms=500):\n    while not check():\n        time.sleep(delay_ms)\n",
        "import time\n\ndef poll(check, delay_ms=500):\n    while not check():\n        time.sleep(delay_ms / 1000)\n",
    ),
    (
        "milliseconds_as_seconds",
        "import requests\n\ndef get(url, timeout_ms):\n    return requests.get(url, timeout=timeout_ms)\n",
        "def load(page, url, timeout_ms):\n    return page.goto(url, timeout=timeout_ms)\n",
    ),
    (
        "argparse_type_bool",
        "def build(p):\n    p.add_argument('--verify', type=bool, default=True)\n",
        "def build(p):\n    p.add_argument('--verify', action='store_true')\n    p.add_argument('--n', type=int)\n",
    ),
    (
        "isclose_to_zero",
        "import math\n\ndef done(step):\n    return math.isclose(step, 0.0)\n",
        "import math\n\ndef done(step):\n    return math.isclose(step, 0.0, abs_tol=1e-9) or math.isclose(step, 1.0)\n",
    ),
    (
        "minutes_in_a_date",
        "def folder(day):\n    return day.strftime('%Y/%M/%d')\n",
        "def folder(day):\n    return day.strftime('%Y/%m/%d'), day.strftime('%Y-%m-%d %H:%M')\n",
    ),
    (
        "timedelta_seconds",
        "def expired(now, since, ttl):\n    return (now - since).seconds > ttl\n",
        "def expired(now, since, ttl):\n    return (now - since).total_seconds() > ttl\n",
    ),
    (
        "is_none_in_query",
        "def active(session):\n    return session.query(User).filter(User.deleted_at is None)\n",
        "from models import User\n\n\ndef active(session):\n    return session.query(User).filter(User.deleted_at.is_(None))\n",
    ),
    (
        "retry_ends_in_none",
        "def fetch(get):\n    for attempt in range(3):\n        try:\n            return get()\n"
        "        except OSError:\n            pass\n    return None\n",
        "def fetch(get) -> str | None:\n    for attempt in range(3):\n        try:\n            return get()\n"
        "        except OSError:\n            pass\n    return None\n\n\n"
        "def first_decoded(data):\n    for enc in ('utf-8', 'latin-1'):\n        try:\n"
        "            return data.decode(enc)\n        except UnicodeDecodeError:\n            pass\n    return None\n",
    ),
    (
        "ruff:F821",
        "def total(items):\n    amount = sum(i.price for i in items)\n    return amout\n",
        "def total(items):\n    amount = sum(i.price for i in items)\n    return amount\n",
    ),
    ("ruff:F823", "count = 0\n\ndef bump():\n    count += 1\n", "count = 0\n\ndef bump():\n    global count\n    count += 1\n"),
    (
        "ruff:F507",
        "def label(user):\n    return '%s <%s>' % (user.name,)\n",
        "def label(user):\n    return '%s <%s>' % (user.name, user.email)\n",
    ),
    (
        "ruff:F524",
        "def label(user):\n    return '{} <{}>'.format(user.name)\n",
        "def label(user):\n    return '{} <{}>'.format(user.name, user.email)\n",
    ),
    ("ruff:F601", "LIMITS = {'free': 10, 'pro': 100, 'free': 1000}\n", "LIMITS = {'free': 10, 'pro': 100, 'team': 1000}\n"),
    (
        "ruff:F631",
        "def check(x):\n    assert (x > 0, 'x must be positive')\n",
        "def check(x):\n    assert x > 0, 'x must be positive'\n",
    ),
    (
        "ruff:F901",
        "class Store:\n    def get(self, key):\n        raise NotImplemented\n",
        "class Store:\n    def get(self, key):\n        raise NotImplementedError\n",
    ),
    (
        "get_default_filled_and_dropped",
        "def group(events):\n    out = {}\n    for e in events:\n        bucket = out.get(e.key, [])\n"
        "        bucket.append(e)\n    return out\n",
        "def group(events):\n    out = {}\n    for e in events:\n        bucket = out.get(e.key, [])\n"
        "        bucket.append(e)\n        out[e.key] = bucket\n    return out\n",
    ),
    (
        "get_default_filled_and_dropped",
        "def index(words):\n    out = {}\n    for w in words:\n        out.get(w[0], []).append(w)\n    return out\n",
        "def index(words):\n    out = {}\n    for w in words:\n        out.setdefault(w[0], []).append(w)\n    return out\n",
    ),
    (
        "ruff:B015",
        "def reset(state):\n    state.count == 0\n    return state\n",
        "def reset(state):\n    state.count = 0\n    return state\n",
    ),
    (
        "annotation_for_assignment",
        "class Job:\n    def __init__(self):\n        self.retries: 3\n",
        "class Job:\n    def __init__(self):\n        self.retries: int = 3\n        self.owner: str | None = None\n",
    ),
    (
        "raise_literal",
        "def load(path):\n    raise f'cannot read {path}'\n",
        "def load(path):\n    raise OSError(f'cannot read {path}')\n",
    ),
    (
        "ruff:PLW0711",
        "def parse(text):\n    try:\n        return int(text)\n    except ValueError or TypeError:\n        return None\n",
        "def parse(text):\n    try:\n        return int(text)\n    except (ValueError, TypeError):\n        return None\n",
    ),
    (
        "ruff:B034",
        "import re\n\ndef clean(s):\n    return re.sub('a+', 'a', s, re.IGNORECASE)\n",
        "import re\n\ndef clean(s):\n    return re.sub('a+', 'a', s, flags=re.IGNORECASE)\n",
    ),
    (
        "ruff:B025",
        "def read(path):\n    try:\n        return open(path).read()\n    except OSError:\n        return ''\n"
        "    except (ValueError, OSError):\n        raise\n",
        "def read(path):\n    try:\n        return open(path).read()\n    except OSError:\n        return ''\n"
        "    except ValueError:\n        raise\n",
    ),
    (
        "ruff:B019",
        "import functools\n\nclass Rates:\n    @functools.lru_cache\n    def get(self, day):\n        return day\n",
        "import functools\n\nclass Rates:\n    @staticmethod\n    @functools.lru_cache\n    def get(day):\n        return day\n",
    ),
    (
        "or_true",
        "def client(settings, make):\n    return make(verify=settings.get('verify') or True)\n",
        "def client(settings, make):\n    return make(verify=settings.get('verify', True))\n",
    ),
    (
        "cleanup_skipped_on_error",
        "from contextlib import contextmanager\n\n@contextmanager\ndef locked(path):\n    path.touch()\n"
        "    yield path\n    path.unlink()\n",
        "from contextlib import contextmanager\n\n@contextmanager\ndef locked(path):\n    path.touch()\n"
        "    try:\n        yield path\n    finally:\n        path.unlink()\n",
    ),
    (
        "batches_drop_remainder",
        "def load(rows, size, write):\n    n = len(rows) // size\n    for i in range(n):\n"
        "        write(rows[i * size:(i + 1) * size])\n",
        "def load(rows, size, write):\n    n = -(-len(rows) // size)\n    for i in range(n):\n"
        "        write(rows[i * size:(i + 1) * size])\n",
    ),
    (
        "prefix_match_validation",
        "import re\n\nNAME = re.compile(r'[a-z]+')\n\ndef check(name):\n    if not NAME.match(name):\n"
        "        raise ValueError(name)\n",
        "import re\n\nNAME = re.compile(r'[a-z]+')\n\ndef check(name):\n    if not NAME.fullmatch(name):\n"
        "        raise ValueError(name)\n",
    ),
    (
        "missing_await",
        "import asyncio\n\nasync def retry(job):\n    asyncio.sleep(1)\n    return await job()\n",
        "import asyncio\n\nasync def retry(job):\n    await asyncio.sleep(1)\n    return await job()\n",
    ),
    (
        "command_or_query_from_values",
        "def find(cur, term):\n    sql = (\n        'SELECT id FROM users '\n        f\"WHERE name LIKE '%{term}%'\"\n    )\n"
        "    cur.execute(sql)\n",
        "def find(cur, term):\n    sql = 'SELECT id FROM users WHERE name LIKE %s'\n    cur.execute(sql, (f'%{term}%',))\n",
    ),
    (
        "value_never_used",
        "def total(items, rate):\n    subtotal = sum(items)\n    total = subtotal * (1 + rate)\n    return subtotal\n",
        "def total(items, rate):\n    subtotal = sum(items)\n    total = subtotal * (1 + rate)\n    return total\n",
    ),
    (
        "missing_await",
        "class Cache:\n    async def get(self, key):\n        hit = await self._backend.fetch(key)\n        if hit:\n"
        "            return hit\n        async with self._lock:\n            hit = self._backend.fetch(key)\n"
        "            return hit or await self._load(key)\n",
        "class Cache:\n    async def get(self, key):\n        hit = await self._backend.fetch(key)\n        if hit:\n"
        "            return hit\n        async with self._lock:\n            hit = await self._backend.fetch(key)\n"
        "            return hit or await self._load(key)\n",
    ),
    (
        "changed_while_iterated",
        "from typing import Dict\n\nclass Sessions:\n    def __init__(self):\n        self.live: Dict[str, float] = {}\n\n"
        "    def purge(self, cutoff):\n        for sid, seen in self.live.items():\n            if seen < cutoff:\n"
        "                del self.live[sid]\n",
        "from typing import Dict\n\nclass Sessions:\n    def __init__(self):\n        self.live: Dict[str, float] = {}\n\n"
        "    def purge(self, cutoff):\n        for sid, seen in list(self.live.items()):\n            if seen < cutoff:\n"
        "                del self.live[sid]\n",
    ),
    (
        "split_unpacked",
        "def cookie(chunk):\n    name, value = chunk.split('=')\n    return name, value\n",
        "def cookie(chunk):\n    name, _, value = chunk.partition('=')\n    return name, value\n",
    ),
    (
        "shallow_copy_changed",
        "from typing import Any\n\nDEFAULTS: dict[str, Any] = {'font': {'size': 12}}\n\ndef theme(size):\n"
        "    t = dict(DEFAULTS)\n    t['font']['size'] = size\n    return t\n",
        "import copy\nfrom typing import Any\n\nDEFAULTS: dict[str, Any] = {'font': {'size': 12}}\n\ndef theme(size):\n"
        "    t = copy.deepcopy(DEFAULTS)\n    t['font']['size'] = size\n    return t\n",
    ),
]


def _all_lines(text: str) -> set[int]:
    return set(range(1, text.count("\n") + 2))


@pytest.mark.parametrize("check,bad,good", CASES, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(CASES)])
def test_check_fires_on_the_defect_and_not_on_the_safe_form(check, bad, good):
    assert check in [hit.check for _, hit in introduced_hits("", bad, _all_lines(bad))]
    assert [hit.check for _, hit in introduced_hits("", good, _all_lines(good))] == []


def test_only_what_the_change_introduces_is_reported():
    old = "def run(expr):\n    return eval(expr)\n\n\ndef name():\n    return 'a'\n"
    new = "def run(expr):\n    return eval(expr)\n\n\ndef name():\n    return 'b'\n"
    assert introduced_hits(old, new, {6}) == []  # the eval was there before
    moved = "def name():\n    return 'b'\n\n\ndef run(expr):\n    return eval(expr)\n"
    assert introduced_hits(old, moved, _all_lines(moved)) == []  # moved, not new
    fresh = "def name():\n    return 'a'\n\n\ndef run(expr):\n    return eval(expr)\n"
    assert introduced_hits(fresh.replace("eval(expr)", "expr"), fresh, {2}) == []  # not on a touched line
    [(line, hit)] = introduced_hits(fresh.replace("eval(expr)", "expr"), fresh, {6})
    assert (line, hit.check, hit.severity) == (6, "code_from_text", "high")


def test_names_made_at_run_time_or_by_python_2_are_not_called_undefined():
    made = "for name in ('RED', 'GREEN'):\n    globals()[name] = name.lower()\n\ndef paint():\n    return RED\n"
    compat = "import sys\n\nif sys.version_info[0] == 2:\n    text_type = unicode\n"
    unused = "import os\n\ndef f():\n    x = 1\n    return f'plain'\n"  # style, not defects
    for text in (made, compat, unused):
        assert introduced_hits("", text, _all_lines(text)) == []


def test_a_file_that_does_not_parse_gets_no_hits():
    assert introduced_hits("", "def f(:\n    eval(x)\n", {1, 2}) == []


def test_multi_line_call_reports_the_touched_line():
    new = "import requests\n\ndef get(url):\n    return requests.get(\n        url,\n        verify=False,\n    )\n"
    old = "import requests\n\ndef get(url):\n    return requests.get(\n        url,\n    )\n"
    [(line, hit)] = introduced_hits(old, new, {6})
    assert (line, hit.check) == (6, "certificates_off")


EVAL_OLD = "def compute(expr):\n    return int(expr)\n"
EVAL_NEW = "def compute(expr):\n    return eval(expr)\n"
NO_FINDINGS = json.dumps({"findings": []})


@pytest.fixture
def staged_eval(make_repo, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    root = make_repo({"calc.py": EVAL_OLD})
    write_files(root, {"calc.py": EVAL_NEW})
    git(root, "add", "calc.py")
    return root


def test_a_check_blocks_the_commit_when_the_model_finds_nothing(staged_eval, write_script, codey):
    write_script({"review": [NO_FINDINGS] * 3})
    result = codey(staged_eval, "review")
    assert result.returncode == 1, result.stderr
    assert "calc.py:2" in result.stdout and "check: code_from_text" in result.stdout
    data = json.loads(codey(staged_eval, "review", "--format", "json", "--no-cache").stdout)
    assert [(f["line"], f["check"]) for f in data["findings"]] == [(2, "code_from_text")]
    (staged_eval / ".codey.yml").write_text(
        textwrap.dedent("""\
        review:
          checks: false
    """)
    )
    assert codey(staged_eval, "review", "--no-cache").returncode == 0


def test_checks_still_block_when_the_model_is_missing(staged_eval, tmp_path, codey):
    env = {"CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(tmp_path / "no-models")}
    result = codey(staged_eval, "review", env=env)
    assert result.returncode == 1, result.stderr
    assert "skipped the model" in result.stderr and "checks still ran" in result.stderr
    assert "check: code_from_text" in result.stdout
    assert "0/1 hunk(s) reviewed" in result.stdout  # the hunk the model could not review is counted


def test_with_review_model_false_the_checks_review_alone_and_say_what_they_left(staged_eval, tmp_path, codey):
    write_files(staged_eval, {".codey.yml": "review:\n  model: false\n", "app.js": "export const limit = 10;\n"})
    git(staged_eval, "add", "app.js")
    env = {"CODEY_BACKEND": "llama_cpp", "CODEY_MODELS_DIR": str(tmp_path / "no-models")}  # no model is loaded
    result = codey(staged_eval, "review", "--format", "json", env=env)
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(f["file"], f["line"], f["check"]) for f in data["findings"]] == [("calc.py", 2, "code_from_text")]
    assert [u["file"] for u in data["unreviewed"]] == ["app.js"]  # no check reads it
    assert "skipped the model" not in result.stderr
    write_files(staged_eval, {".codey.yml": "review:\n  model: false\n  checks: false\n"})
    result = codey(staged_eval, "review", env=env)
    assert result.returncode == 2 and "nothing would be reviewed" in result.stderr


def test_code_too_deep_for_a_check_skips_that_check_only():
    long_sum = " + ".join(["a"] * 600)  # parses, but is too deep to print back (ast.unparse)
    text = f"def f(x, a):\n    for i in range(len({long_sum}) - 1):\n        x[i]\n    return eval(a)\n"
    assert [hit.check for _, hit in introduced_hits("", text, _all_lines(text))] == ["code_from_text"]
    for broken in ("x = " + "(" * 400 + "1" + ")" * 400 + "\n", "\x00 = 1\n"):
        assert introduced_hits("", broken, {1}) == []  # does not parse: no hits, no exception
