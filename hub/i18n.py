"""The ``hub`` command in Chinese or English, chosen by the locale (``LC_ALL``, ``LANG``, …).

Chinese when the locale names it (``LANG=zh_CN.UTF-8``), English otherwise. Messages are
written in English, as templates with named fields, and looked up in ``ZH``; a test fails
when a help text or message of the command has no Chinese. argparse's own words (``usage:``,
``options``, its errors) are translated while the command's parser is built and used.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

ZH: dict[str, str] = {
    "industry credit: collect events and grade": "行业信用：归集信用事件并评定等级",
    "collect new credit events, grade every subject for a period, list the low": "归集新的信用事件，评定考核周期内所有主体的等级，将低分主体列入名单",
    "assessment period, a year (default this year)": "考核周期，年份（默认今年）",
    "hub: new tokens are signed with key {kid} (every worker within {seconds} s); older "
    "keys stay published until their tokens expire ({ttl} s)": "hub：新令牌使用密钥 {kid} 签名"
    "（各工作进程 {seconds} 秒内生效）；旧密钥在其令牌到期前仍然公布（{ttl} 秒）",
    "--old-key-file holds the configured key-encryption key: nothing to do": "--old-key-file "
    "中就是当前配置的密钥加密密钥：无需处理",
    "hub: {moved} signing key(s) re-encrypted under key-encryption key {fingerprint};": "hub：已用"
    "密钥加密密钥 {fingerprint} 重新加密 {moved} 个签名密钥；",
    "     {resigned} audit checkpoint(s) re-signed; restart the workers with this KEK": "     重新"
    "签署 {resigned} 个审计检查点；请用此密钥加密密钥重启各工作进程",
    "hub: the audit log is empty: nothing to checkpoint": "hub：审计日志为空，无需写检查点",
    "hub: checkpoint of entry {seq} written to {path}": "hub：第 {seq} 条的检查点已写入 {path}",
    # Help of the commands of the key, audit, positions and open-data work.
    "NDJSON (.ndjson, .jsonl) or CSV (.csv) lines": "NDJSON（.ndjson、.jsonl）或 CSV（.csv）行",
    "file holding the previous KEK (base64)": "保存原密钥加密密钥的文件（base64）",
    "how the lines are written (default: suffix)": "各行的格式（默认按文件后缀）",
    "keep today (UTC) and this many days before it; older days' fixes go": "保留当天（UTC）及"
    "此前的天数；更早日期的定位数据删除",
    "no progress bar": "不显示进度条",
    "only open-data clients that registered themselves (POST /oauth/register)": "仅列出自助注册"
    "的开放数据客户端（POST /oauth/register）",
    "print a new key-encryption key for HUB_KEY_ENCRYPTION_KEY(_FILE)": "生成新的密钥加密密钥，"
    "供 HUB_KEY_ENCRYPTION_KEY(_FILE) 使用",
    "purposes of use it may state, CODE,CODE (standards/codes/purpose_of_use.csv)": "可声明的使用"
    "目的，代码以逗号分隔（standards/codes/purpose_of_use.csv）",
    "re-encrypt the stored keys under the configured key-encryption key": "用当前配置的密钥加密"
    "密钥重新加密已存储的密钥",
    "remove the fixes of days long past": "删除早已过去日期的定位数据",
    "rewrite every dataset": "重写全部数据集",
    "road vehicle positions in bulk (JT/T 809)": "批量道路车辆定位数据（JT/T 809）",
    "take a file of positions; bad lines are dead-lettered, the rest stored": "导入定位数据文件；"
    "错误行转入死信，其余入库",
    "the declared datasets, checked": "列出并校验已声明的数据集",
    "the open-data catalogue and bulk files": "开放数据目录与批量下载文件",
    "write CSV, JSON Lines and Parquet snapshots of the changed datasets": "为有变化的数据集写出 "
    "CSV、JSON Lines 与 Parquet 快照",
    "write a signed checkpoint of the chain's head now": "立即为审计链末端写出签名检查点",
    # The command and its help.
    "Jiangsu road & waterway transport interop hub": "江苏交通运输数据交换共享枢纽",
    "json lines, text, or auto: JSON for servers unless stderr is a terminal "
    "(default HUB_LOG_FORMAT or auto)": "json（JSON 行）、text 或 auto：除非标准错误是终端，"
    "服务器输出 JSON（默认 HUB_LOG_FORMAT 或 auto）",
    "serve the GraphQL API": "提供 GraphQL 接口服务",
    "upgrade the database to the newest schema": "将数据库升级到最新结构",
    "load the demo data of Jiangsu": "加载江苏演示数据",
    "an access token of the demo portal client, for GraphiQL": "演示门户客户端的访问令牌（供 GraphiQL 使用）",
    "the GraphQL schema as SDL": "GraphQL 接口标准（SDL）",
    "OAuth clients of partner agencies and portals": "合作单位与门户的 OAuth 客户端",
    "take in agency documents from files": "从文件接收各单位报文",
    "the exchange with the other agencies": "与其他单位的数据交换",
    "data quality across sources": "跨来源数据质量",
    "token signing keys": "令牌签名密钥",
    "the audit log of personal-data access": "个人信息访问审计日志",
    "the published standards": "发布的标准",
    "code lists in standards/codes": "standards/codes 中的代码表",
    "address to bind (default HUB_HOST or 127.0.0.1)": "监听地址（默认 HUB_HOST 或 127.0.0.1）",
    "port (default HUB_PORT or 8000)": "端口（默认 HUB_PORT 或 8000）",
    "worker processes (default 1)": "工作进程数（默认 1）",
    "size factor (1 = 20,000 vehicles)": "规模系数（1 = 20,000 辆车）",
    "random seed (default 2026)": "随机种子（默认 2026）",
    "do nothing if data is present": "已有数据时不做任何事",
    "write the SDL": "写出 SDL",
    "breaking and dangerous changes from an older SDL file to this schema": "列出从旧版 SDL 文件到本接口的不兼容与有风险变更",
    "file (default graphql/schema.graphql; - = stdout)": "文件（默认 graphql/schema.graphql；- 表示标准输出）",
    "fail if the file is out of date": "文件过期时失败",
    "the older schema": "旧版接口",
    "default: this hub's schema": "默认：本枢纽的接口",
    "register a client; prints its secret once": "注册客户端；密钥只显示一次",
    "every client": "所有客户端",
    "stop a client getting or using tokens": "停止客户端获取或使用令牌",
    "a new secret; the old one stops working": "生成新密钥；旧密钥随即失效",
    "what the client is, e.g. 苏州市公安局交警支队": "客户端名称，例如 苏州市公安局交警支队",
    "agency code, e.g. public_security": "单位代码，例如 public_security",
    'e.g. "registry:read pii:read"': '例如 "registry:read pii:read"',
    "bind to a division code, e.g. 320500 (Suzhou)": "限定行政区划代码，例如 320500（苏州）",
    "open, partner or internal": "open、partner 或 internal",
    "credit code of the carrier or terminal the client acts for": "客户端所代表的承运人或场站的统一社会信用代码",
    "public keys: private_key_jwt, no secret": "公钥：使用 private_key_jwt，无密钥",
    "only operations sent by hash": "只接受按哈希发送的已登记操作",
    "XML files or directories of them": "XML 文件或其所在目录",
    "pull an agency's feeds from where they stopped": "从上次停止处拉取单位数据",
    "process queued documents until interrupted": "处理队列中的报文，直到中断",
    "list the dead letters with their reasons": "列出处理失败的报文及原因",
    "process dead letters again, after a fix": "修复后重新处理失败的报文",
    "the installed adapters and their documents": "已安装的适配器及其报文",
    "only these document types": "只处理这些报文类型",
    "the agency endpoint (default HUB_EXCHANGE_<AGENCY>_URL)": "单位接口地址（默认 HUB_EXCHANGE_<AGENCY>_URL）",
    "pull from the agency's simulator, in-process": "从进程内的单位模拟器拉取",
    "receipt ids (default: all failed)": "回执编号（默认：全部失败的）",
    "list where the agencies and the data center disagree": "列出各单位与数据中心不一致之处",
    "only these kinds of finding": "只列这些类型的问题",
    "findings shown per kind (default 50)": "每类显示的问题数（默认 50）",
    "sign new tokens with a new key": "用新密钥签发新令牌",
    "check the hash chain, naming bad entries": "校验哈希链，指出有问题的条目",
    "write the data dictionary": "写出数据字典",
    "write the standards as static HTML (also served at /docs)": "将标准写成静态 HTML（也在 /docs 提供）",
    "fail if it is out of date": "过期时失败",
    "folder (default HUB_DATA_DIR/site)": "目录（默认 HUB_DATA_DIR/site）",
    "regenerate hub/canonical/codes.py": "重新生成 hub/canonical/codes.py",
    # Messages.
    "hub: error: {message}": "hub: 错误：{message}",
    "--jwks-file: cannot read a JSON key set from {path}: {reason}": "--jwks-file：无法从 {path} 读取 JSON 密钥集：{reason}",
    "hub: the secret is shown this once and stored only hashed: keep it now": "hub: 密钥只显示这一次，仅以哈希形式保存：请立即妥善保管",
    "hub: authenticates with private_key_jwt using the registered keys": "hub: 使用已登记的公钥以 private_key_jwt 认证",
    "hub: {client_id} disabled": "hub: 已停用 {client_id}",
    "hub: the old secret no longer works; the new one is shown this once": "hub: 旧密钥已失效；新密钥只显示这一次",
    "hub: new tokens are signed with key {kid}; older keys stay published until their "
    "tokens expire ({ttl} s)": "hub: 新令牌以密钥 {kid} 签发；旧密钥继续公布，直到其令牌过期（{ttl} 秒）",
    "hub: audit log: {problem}": "hub: 审计日志：{problem}",
    "hub: audit log intact": "hub: 审计日志完整",
    "--workers must be at least 1": "--workers 至少为 1",
    "hub: serving GraphQL at {url} (open it in a browser for GraphiQL)": "hub: GraphQL 服务地址 {url}（在浏览器中打开即为 GraphiQL）",
    "hub: database at revision {revision}": "hub: 数据库版本 {revision}",
    "--scale must be above 0 and at most 100": "--scale 须大于 0 且不超过 100",
    "hub: demo data already loaded": "hub: 演示数据已加载",
    "the database already holds data: demo data loads only into an empty one": "数据库中已有数据：演示数据只能加载到空数据库",
    "hub: loaded demo data: {counts}": "hub: 已加载演示数据：{counts}",
    "hub: fed the agencies' demo documents: {summary}": "hub: 已送入各单位演示报文：{summary}",
    "hub: booked the demo journeys (一单到底): {references}": "hub: 已预订演示联运（一单到底）：{references}",
    "none at this scale": "此规模下无",
    "automatic alerts (运政通): sweep, check": "自动告警（运政通）：扫描、检查",
    "check standards/codes/alert_threshold.csv": "检查 standards/codes/alert_threshold.csv",
    "raise the time-based alerts (offline terminals, overdue reviews, …)": "生成按时间判定的告警（终端离线、年审逾期等）",
    "hub: planted one alert of each kind: {counts}": "hub: 已为每类告警各布设一例：{counts}",
    "hub: graded {graded} operators and drivers from {events} credit events "
    "({grades}); {listed} listed": "hub: 已根据 {events} 条信用事件评定 {graded} 家业户和驾驶员"
    "（{grades}）；{listed} 个列入名单",
    "hub: `hub demo-token` gives GraphiQL a token of the demo portal": "hub: `hub demo-token` 可为 GraphiQL 提供演示门户的令牌",
    "hub: {path} is out of date: run `hub schema export`": "hub: {path} 已过期：请运行 `hub schema export`",
    "hub: wrote {path}": "hub: 已写出 {path}",
    "hub: unchanged {path}": "hub: 未变化 {path}",
    "hub: {breaking} breaking, {dangerous} dangerous": "hub: {breaking} 项不兼容变更，{dangerous} 项有风险变更",
    "hub: {path} is out of date: run `hub standards dictionary`": "hub: {path} 已过期：请运行 `hub standards dictionary`",
    "hub: wrote {count} files to {folder} (open index.html)": "hub: 已向 {folder} 写出 {count} 个文件（打开 index.html）",
    "no endpoint for {agency}: give --url, set {variable} or --simulate": "{agency} 没有接口地址：请给出 --url、设置 {variable} 或使用 --simulate",
    "{agency} has no feed {feeds}": "{agency} 没有数据源 {feeds}",
    "documents per transaction (default 200, at most 1000)": "每个事务处理的报文数（默认 200，最多 1000）",
    "{value!r} is not a whole number from 1 to {most}": "{value!r} 不是 1 到 {most} 之间的整数",
    "pulling from {agency} failed: {reason}": "从 {agency} 拉取失败：{reason}",
    "hub: processing queued documents (Ctrl-C stops)": "hub: 正在处理队列中的报文（Ctrl-C 停止）",
    "hub: processed {count} documents": "hub: 已处理 {count} 份报文",
    "hub: {count} dead letters": "hub: {count} 份处理失败的报文",
    "nothing": "无",
    "hub: retried: {outcome}": "hub: 已重新处理：{outcome}",
    "--kind: one of {kinds}": "--kind：须为 {kinds} 之一",
    "none": "无",
    "hub: {count} findings: {summary}": "hub: {count} 个问题：{summary}",
    # argparse's own words.
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助信息并退出",
    "accepted until {date}": "受理至 {date}",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选 %(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
}
"""Chinese for every English text of the ``hub`` command."""

ERRORS: dict[str, str] = {
    # hub.credit: rule files and assessment periods
    "{}: {} is not an assessment period: give a year, e.g. 2026": "{0}：{1} 不是考核周期：请给出年份，如 2026",
    "period: {} is not one of {}": "period：{0} 不是 {1} 之一",
    "base_score: must be positive, not {}": "base_score：须为正数，而非 {0}",
    "lists: missing table [lists]": "lists：缺少 [lists] 表",
    "lists: need 0 <= black_below ({}) <= watch_below ({}) <= base_score": "lists：须满足 0 <= black_below（{0}）<= watch_below（{1}）<= base_score",
    "lists.months: must be positive, not {}": "lists.months：须为正数，而非 {0}",
    "events: at least one [events.KIND] table is needed": "events：至少需要一个 [events.KIND] 表",
    "bands: at least one [[bands]] table is needed": "bands：至少需要一个 [[bands]] 表",
    "bands: no band covers scores {}-{}": "bands：没有等级覆盖 {0}-{1} 分",
    "{}: missing": "{0}：缺失",
    "{}: must be {}, not {}": "{0}：须为 {1}，而非 {2}",
    "{}: must not be empty": "{0}：不能为空",
    "{}: unknown key (known: {})": "{0}：未知的键（可用：{1}）",
    "subject: {} is not one of {}": "subject：{0} 不是 {1} 之一",
    "events.{}: must be a table": "events.{0}：须为表",
    "events.{}: unknown key {}": "events.{0}：未知的键 {1}",
    "events.{}: cap {} must have the sign of points {} and be at least as large": "events.{0}：上限 {1} 须与分值 {2} 同号且绝对值不小于它",
    "band {}: min {} > max {}": "等级 {0}：下限 {1} 大于上限 {2}",
    "events.{}: unknown event kind (known: {})": "events.{0}：未知的事件类别（可用：{1}）",
    "band {}: defined twice": "等级 {0}：重复定义",
    "band {} ({}-{}) overlaps band {} ({}-{}) of line {}": "等级 {0}（{1}-{2}）与第 {6} 行的等级 {3}（{4}-{5}）重叠",
    # hub.alerts
    "alert {} not found": "告警 {0} 不存在",
    "disposition: 1-{} characters saying how the alert was handled": "disposition：须为 1–{0}"
    " 个字符，说明告警如何处置",
    # hub.config: every HUB_* variable
    "HUB_REDIS_URL: {} is not a Redis URL (redis://host:port/db)": "HUB_REDIS_URL：{0} 不是 Redis"
    " URL（redis://host:port/db）",
    "{} and {}: set one, not both": "{0} 与 {1}：只能设置其中一个",
    "{}: not base64 (make a key with `hub keys new-kek`)": "{0}：不是 base64（用 `hub keys new-kek`"
    " 生成密钥）",
    "{}: a key of {} bytes; AES-256 needs 32 (`hub keys new-kek`)": "{0}：密钥为 {1} 字节，AES-256"
    " 需要 32 字节（`hub keys new-kek`）",
    "{}: {} is not a database URL ({})": "{0}：{1} 不是数据库 URL（{2}）",
    "{}: unsupported database {}; use postgresql+asyncpg://user@host:port/db or "
    "sqlite+aiosqlite:///path/to/file": "{0}：不支持的数据库 {1}；请使用"
    " postgresql+asyncpg://user@host:port/db 或 sqlite+aiosqlite:///path/to/file",
    "{}: the PostgreSQL URL names no database": "{0}：PostgreSQL URL 未指定数据库",
    "{}: {} is not a whole number": "{0}：{1} 不是整数",
    "{}: {} is outside {}..{}": "{0}：{1} 超出范围 {2}..{3}",
    "{}: {} is not an http(s) base URL": "{0}：{1} 不是 http(s) 基础 URL",
    "{}: {} is not true or false": "{0}：{1} 不是 true 或 false",
    "{}: {} is not one of {}": "{0}：{1} 不是以下之一：{2}",
    # hub.sealing, hub.auth.keys: the key-encryption key and the signing keys
    "{} (or {}) is required on PostgreSQL: the signing keys are stored encrypted with it; make "
    "one with `hub keys new-kek`": "使用 PostgreSQL 时必须设置 {0}（或 {1}）：签名密钥以其加密存储；"
    "用 `hub keys new-kek` 生成",
    "{} was sealed with key-encryption key {}, but {} holds key {}: configure the KEK it was "
    "sealed with (or `hub keys rewrap --old-key-file` it under this one)": "{0} 由密钥加密密钥 {1}"
    " 加密，但 {2} 中的密钥为 {3}：请配置加密时所用的 KEK（或用 `hub keys rewrap --old-key-file`"
    " 转到当前 KEK 下）",
    "{}: the sealed bytes were altered (AES-GCM tag)": "{0}：密文已被改动（AES-GCM 认证标签不符）",
    "{}: cannot read a key from {}: {}": "{0}：无法从 {1} 读取密钥：{2}",
    "signing key {}: the row does not match its seal; not re-sealing": "签名密钥 {0}：该行与其密封"
    "不符，不予重新加密",
    # hub.db, hub.cache, hub.migrate: connections and schema
    "cannot reach the database at {}: {}": "无法连接数据库 {0}：{1}",
    "cannot reach Redis at {}: {}": "无法连接 Redis {0}：{1}",
    "cannot listen on {}:{}: {}": "无法在 {0}:{1} 上监听：{2}",
    "the database is not at the newest schema: run `hub migrate`": "数据库不是最新结构：请运行"
    " `hub migrate`",
    # hub.audit
    "checkpoint {}: {}; not re-signing it": "检查点 {0}：{1}；不予重新签名",
    # hub.audit.verify, hub.audit.checkpoints: what `hub audit verify` finds
    "audit_subjects rows name entry {}, which is not in the log": "audit_subjects 中有行指向第 {0}"
    " 条，但日志中没有该条",
    "head is missing, log ends at {}": "链头缺失，日志止于第 {0} 条",
    "head says {} entries, log ends at {}": "链头记为 {0} 条，日志止于第 {1} 条",
    "head hash does not match entry {}": "链头哈希与第 {0} 条不符",
    "{} missing ({})": "{0}缺失（{1}）",
    "{n} is followed by {n}": "第 {0} 条之后是第 {1} 条",
    "log starts at {n}": "日志从第 {0} 条开始",
    "entry {}: chain broken: prev_hash does not match {}": "第 {0} 条：链断裂：prev_hash 与{1}不符",
    "entry {n}": "第 {0} 条",
    "the genesis hash": "创世哈希",
    "entry {}: contents changed (hash does not match)": "第 {0} 条：内容被改动（哈希不符）",
    "entry {}: subjects differ from the entry's list": "第 {0} 条：主体与该条记录的列表不符",
    "{} cut from the end: the checkpoint of {} names entry {}, the log ends at {}": "{0}从末尾被"
    "截去：{1} 的检查点记到第 {2} 条，日志止于第 {3} 条",
    "entry {n} is": "第 {0} 条",
    "entries {n}–{n} are": "第 {0}–{1} 条",
    "entry {} differs from the checkpoint of {}: the log was rewritten up to there": "第 {0} 条与"
    " {1} 的检查点不一致：日志在此之前被改写",
    "{} past the head": "{0}超出链头",
    "checkpoint {}:{}: {}": "检查点 {0}:{1}：{2}",
    "not a checkpoint line": "不是检查点行",
    "signature does not match: the line was edited": "签名不符：该行被改动",
    "signed under key-encryption key {}, not the configured {} (`hub keys rewrap` re-signs "
    "checkpoints)": "由密钥加密密钥 {0} 签名，而非当前配置的 {1}（`hub keys rewrap` 可重新签名"
    "检查点）",
    # hub.auth.clients: `hub clients …`
    "region: {} is not a Jiangsu division code": "region：{0} 不是江苏行政区划代码",
    "jwks: not a JSON Web Key Set ({})": "jwks：不是 JSON Web Key Set（{0}）",
    "jwks: the key set holds no key": "jwks：密钥集中没有密钥",
    "jwks: give public keys only, never the private key": "jwks：只提供公钥，切勿提供私钥",
    "agency: {} must be a lower-case code like public_security": "agency：{0} 须为小写代码，"
    "如 public_security",
    "name: give the client a name": "name：请为客户端命名",
    "tier: {} is not one of {}": "tier：{0} 不是以下之一：{1}",
    "scopes: {}": "scopes：{0}",
    "no client {}": "没有客户端 {0}",
    "{} authenticates with private_key_jwt: it has no secret": "{0} 以 private_key_jwt 认证，"
    "没有密钥可轮换",
    # hub.demo, hub.exchange.registry, hub.positions
    "no demo portal client here: load the demo first (`hub demo`)": "此处没有演示门户客户端："
    "请先加载演示数据（`hub demo`）",
    "two adapters claim the agency {}": "两个适配器都声称属于机构 {0}",
    "adapter {} failed to load: {}": "适配器 {0} 加载失败：{1}",
    "entry point {} is not an Adapter: {}": "入口点 {0} 不是适配器：{1}",
    "entry point {} loads adapter {}: names must match": "入口点 {0} 加载的是适配器 {1}：名称须一致",
    "no adapter for agency {} (known: {})": "没有机构 {0} 的适配器（已安装：{1}）",
    "{}: say --format ndjson or csv (the suffix {} does not)": "{0}：请指定 --format ndjson 或 csv"
    "（后缀 {1} 无法判断）",
    "{}: no such file": "{0}：文件不存在",
    "{}: no such file or directory": "{0}：文件或目录不存在",
    "{}: no dataset files (*.toml)": "{0}：没有数据集文件（*.toml）",
    "{}: not a UTF-8 TOML file ({})": "{0}：不是 UTF-8 编码的 TOML 文件（{1}）",
    "{}: graphql.query: no root field {}": "{0}：graphql.query：没有根字段 {1}",
    "{}: graphql.query {} does not list {} ({})": "{0}：graphql.query {1} 列出的不是 {2}（{3}）",
    "line {}: {}": "第 {0} 行：{1}",
    "--keep-days: {} is not 0 or more": "--keep-days：{0} 不是 0 或以上",
    # a dataset file's problems (hub opendata): "FILE: KEY: PROBLEM"
    "{}: field {}: {}": "{0}：字段 {1}：{2}",
    "lower-case letters, digits and hyphens, starting with a letter": "只能是小写字母、数字和连字符，以字母开头",
    "must be the file's name ({})": "须与文件名一致（{0}）",
    "must be an http(s) URL of the licence text": "须为许可协议文本的 http(s) URL",
    "{} is not one of {}": "{0} 不是以下之一：{1}",
    "is before temporal.start": "早于 temporal.start",
    "publishes no field": "未发布任何字段",
    "a path is listed twice": "有路径重复列出",
    "must be true or false": "须为 true 或 false",
    "must be a table": "须为表",
    "{} is not a GraphQL field path like region.code": "{0} 不是 GraphQL 字段路径（如 region.code）",
    "a {} field must say how it is de-identified": "{0}字段须说明去标识化方式",
    "a de-identified field is {}": "去标识化的字段属于{0}",
    "a statistics column needs one of {}": "统计列须为以下之一：{0}",
    "comes from the GraphQL schema; do not declare it": "取自 GraphQL 模式，请勿声明",
    "is required": "为必填项",
    "must be a non-empty {}": "须为非空的 {0}",
    "must be a TOML date like 2020-01-01": "须为 TOML 日期，如 2020-01-01",
    "unknown keys {}": "未知的键 {0}",
    "must be a list of non-empty strings": "须为非空字符串的列表",
    "published, but GraphQL refuses it to the {} scope": "已发布，但 GraphQL 不向 {0} 权限范围提供",
    "ends at {}, not at a value: name one of its fields": "止于 {0} 而不是值：请指明其某个字段",
    "only the first step of a path may load related records": "只有路径的第一步可以加载关联记录",
    "the API de-identifies it as {}, the file says {}": "接口按 {0} 去标识化，文件写的是 {1}",
    "personal data ({}) is {}": "个人信息（{0}）属于{1}",
    "{} follows a value that has no fields": "{0} 跟在没有字段的值之后",
    "{} has no field {}": "{0} 没有字段 {1}",
    "declared {} but anonymous callers can read it in GraphQL": "声明为{0}，但匿名调用方可在 GraphQL 中读取",
    "{}: {}": "{0}：{1}",
}
"""Chinese for the errors raised below the command (``hub: error: …``) and the problems
``hub audit verify`` names, by their English template: ``{}`` stands for each value (``{n}``
for a number), ``{0}``, ``{1}``… place them in the Chinese."""


def language(environ: Mapping[str, str] | None = None) -> str:
    """``zh`` or ``en``, from the first of LC_ALL, LC_MESSAGES, LANG that is set (POSIX order)."""
    environ = os.environ if environ is None else environ
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def tr(template: str, **values: Any) -> str:
    """``template`` in the user's language, its ``{fields}`` filled with ``values``."""
    text = ZH.get(template, template) if language() == "zh" else template
    return text.format(**values) if values else text


def _pattern(template: str) -> re.Pattern[str]:
    # A number is a number: "{n} is followed by {n}" must not swallow a whole sentence.
    pattern = re.escape(template).replace(re.escape("{n}"), r"(\d+)")
    return re.compile(pattern.replace(re.escape("{}"), "(.*?)"), re.DOTALL)


# Most specific first, so "{}: {}" is tried last.
_ERROR_PATTERNS = sorted(
    ((_pattern(english), chinese) for english, chinese in ERRORS.items()),
    key=lambda item: -len(item[0].pattern.replace("(.*?)", "").replace(r"(\d+)", "")),
)


def error_message(message: str, depth: int = 3) -> str:
    """An error raised below the command, in the user's language (English if not catalogued).

    The values filled in are translated too when they are catalogued phrases themselves
    (``entries 4–5 are`` in ``… cut from the end``).
    """
    if language() != "zh" or depth == 0:
        return message
    for pattern, chinese in _ERROR_PATTERNS:
        found = pattern.fullmatch(message)
        if found is not None:
            return chinese.format(*(error_message(value, depth - 1) for value in found.groups()))
    return message


def translate_help(parser: argparse.ArgumentParser) -> None:
    """Every help text and description of ``parser`` and its subcommands, translated.

    A subcommand's help becomes its description too, so ``hub serve --help`` says what it does.
    """
    if parser.description:
        parser.description = tr(parser.description)
    for action in parser._actions:
        if action.help and action.help != argparse.SUPPRESS:
            action.help = tr(action.help)
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for choice in action._choices_actions:
                choice.help = tr(choice.help) if choice.help else choice.help
            for name, subparser in action.choices.items():
                if subparser.description is None and helps.get(name):
                    subparser.description = helps[name]
                translate_help(subparser)


@contextmanager
def argparse_language() -> Iterator[None]:
    """argparse's own words in the user's language while the block runs."""
    if language() != "zh":
        yield
        return
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: ZH.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]
