import type { Bilingual } from '../domain/errors';

/**
 * The title of every problem type, in both languages, keyed by the type's slug (the part
 * after `urn:cn:gov:jiahe:problem:`). A type's title never changes with the occurrence;
 * the detail says what happened this time.
 */
export const PROBLEM_TITLES: Readonly<Record<string, Bilingual>> = {
  'malformed-json': { zh: '请求体不是有效的 JSON', en: 'Malformed JSON' },
  unauthorized: { zh: '未认证', en: 'Unauthorized' },
  forbidden: { zh: '无权操作', en: 'Forbidden' },
  'access-denied': { zh: '超出管辖范围', en: 'Forbidden' },
  'separation-of-duties': { zh: '须由另一人复核', en: 'Separation of Duties' },
  'payment-in-flight': { zh: '有款项正在发放', en: 'Payment In Flight' },
  'nothing-to-pay': { zh: '本批次无应付款项', en: 'Nothing To Pay' },
  'not-found': { zh: '未找到', en: 'Not Found' },
  'method-not-allowed': { zh: '不支持该请求方法', en: 'Method Not Allowed' },
  conflict: { zh: '与当前状态冲突', en: 'Conflict' },
  'stale-version': { zh: '记录已被修改', en: 'Precondition Failed' },
  'payload-too-large': { zh: '请求体过大', en: 'Payload Too Large' },
  'too-many-requests': { zh: '请求过多', en: 'Too Many Requests' },
  'unsupported-media-type': { zh: '不支持的内容类型', en: 'Unsupported Media Type' },
  validation: { zh: '数据校验未通过', en: 'Validation Failed' },
  'precondition-required': { zh: '缺少 If-Match', en: 'Precondition Required' },
  'invalid-idempotency-key': { zh: '幂等键无效', en: 'Invalid Idempotency-Key' },
  'idempotency-key-reused': { zh: '幂等键已用于其他请求', en: 'Idempotency-Key Reused' },
  'idempotency-in-progress': { zh: '请求正在处理中', en: 'Request In Progress' },
  'invalid-cursor': { zh: '分页游标无效', en: 'Invalid Cursor' },
  internal: { zh: '服务器内部错误', en: 'Internal Server Error' },
  'sign-in-unavailable': { zh: '登录服务暂不可用', en: 'Sign-In Unavailable' },
  // The exchange inbox's answers to partner provinces (docs/exchange-protocol.md).
  'invalid-envelope': { zh: '报文信封无效', en: 'Invalid Envelope' },
  'invalid-data': { zh: '报文数据无效', en: 'Invalid Data' },
  'invalid-signature': { zh: '签名未被接受', en: 'Signature Not Accepted' },
  'timestamp-out-of-window': { zh: '签名时间超出允许范围', en: 'Signature Not Accepted' },
  'unknown-partner': { zh: '未知的合作省份', en: 'Unknown Partner' },
  'wrong-recipient': { zh: '收件方不是本省', en: 'Wrong Recipient' },
  'type-not-allowed': { zh: '不接受该报文类型', en: 'Type Not Allowed' },
  'id-mismatch': { zh: '报文编号不一致', en: 'Id Mismatch' },
  'id-conflict': { zh: '报文编号重复', en: 'Id Conflict' },
};

/**
 * Chinese wording of the fixed English texts the API gives as problem details and field
 * messages (validation messages written in the schemas, common domain refusals). Texts
 * raised with their own Chinese wording, and zod's built-in messages, need no entry here;
 * a text with neither is answered in English.
 */
export const ZH_TEXT: Readonly<Record<string, string>> = {
  // Problem details of the HTTP layer.
  'The request body is not valid JSON.': '请求体不是有效的 JSON。',
  'A valid bearer token is required.': '需要有效的 Bearer 令牌。',
  'Your role does not allow this action.': '您的角色不能执行此操作。',
  'No such resource.': '没有该资源。',
  'This resource does not support that method.': '该资源不支持此请求方法。',
  'Send the body as application/json.': '请以 application/json 格式发送请求体。',
  'Send If-Match with the ETag you last read.': '请在 If-Match 中携带您上次读取到的 ETag。',
  'Idempotency-Key must be 1 to 255 printable ASCII characters.':
    'Idempotency-Key 须为 1 至 255 个可打印 ASCII 字符。',
  'This Idempotency-Key was already used with a different request body.':
    '该 Idempotency-Key 已用于不同的请求体。',
  'A request with this Idempotency-Key is still being processed; retry shortly.':
    '使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。',
  'The cursor is not one this API returned.': '该游标不是本接口返回的。',
  'The request could not be completed. It has been logged; try again later.':
    '请求未能完成，已记录日志，请稍后重试。',
  'The record has changed since you read it; read it again and retry.':
    '记录在您读取后已被修改，请重新读取后重试。',
  'This record lies outside your region.': '该记录不在您的管辖区域内。',
  'Send the message as application/cloudevents+json.': '请以 application/cloudevents+json 格式发送报文。',
  'A different message with this id was already received; ids may not be reused.':
    '已收到使用该编号的另一条报文，报文编号不可重复使用。',
  // Field messages written in the schemas.
  'is required': '为必填项',
  'is not a known administrative division code': '不是现行的行政区划代码',
  'is not a known province code': '不是已知的省级代码',
  'may contain letters and the middle dot (·) only': '只能包含文字和间隔号（·）',
  'must be 18 characters: 17 digits and a check digit or X': '须为 18 位：17 位数字加 1 位校验码（数字或 X）',
  'must be an 18-character resident ID': '须为 18 位公民身份号码',
  'must be a 6-digit administrative division code': '须为 6 位行政区划代码',
  'must be a six-digit region code': '须为 6 位行政区划代码',
  'must be a region code or its prefix': '须为行政区划代码或其前缀',
  'must be a region code or its prefix of 2 or 4 digits': '须为行政区划代码或其 2 位、4 位前缀',
  'must be a two-digit province code': '须为 2 位省级代码',
  'must be a ULID': '须为 ULID',
  'must be a person id (ULID)': '须为人员编号（ULID）',
  'must be a registration id (ULID)': '须为登记编号（ULID）',
  'must be a household id (ULID)': '须为家庭户编号（ULID）',
  'must be a certificate id (ULID)': '须为证书编号（ULID）',
  'must be a request id (ULID)': '须为请求编号（ULID）',
  'must be an enrolment id (ULID)': '须为待遇申领编号（ULID）',
  'must be a batch id (ULID)': '须为发放批次编号（ULID）',
  'must be a code like XXXX-XXXX-XXXX-XXXX': '须为 XXXX-XXXX-XXXX-XXXX 形式的核验码',
  'must be a month, YYYY-MM': '须为月份，格式 YYYY-MM',
  'must be YYYY-MM or YYYY': '须为 YYYY-MM 或 YYYY',
  'must be YYYY-MM': '须为 YYYY-MM',
  'must be YYYY': '须为 YYYY',
  'must not be before from': '不得早于 from',
  'from must not be after to': 'from 不得晚于 to',
  'must be a scheme code': '须为项目代码',
  'must be 10 to 30 digits': '须为 10 至 30 位数字',
  'must be a 12-digit CNAPS bank code': '须为 12 位支付系统行号',
  'give either residentId or personId': 'residentId 与 personId 须且只须提供其一',
  'give residentId instead': '请改用 residentId',
  'must be another province': '须为其他省份',
  'must be 1 to 500 characters': '须为 1 至 500 个字符',
  'must be a message type of the protocol': '须为交换协议中的报文类型',
  'must be https (http only on loopback)': '须为 https 地址（仅本机回环地址可用 http）',
  'must be urn:cn:gov:<6-digit region code>:jiahe': '须为 urn:cn:gov:<6 位行政区划代码>:jiahe',
  'must be cn.gov.jiahe.<name>.v<major>': '须为 cn.gov.jiahe.<名称>.v<主版本号>',
  'must be an opaque reference, not a resident ID': '须为不透明的案件引用，不得为公民身份号码',
  'must be a positive integer': '须为正整数',
  'must be a lower-case hex SHA-256': '须为小写十六进制 SHA-256',
  // Field messages of the domain rules.
  'is in the future': '不能晚于今天',
  'is before the birth date': '早于出生日期',
  'does not match the sex encoded in the resident ID': '与公民身份号码中的性别不一致',
  'does not match the birth date in the resident ID': '与公民身份号码中的出生日期不一致',
  'names no field with a new value': '没有任何字段的值发生变化',
  'must name at least one field to correct': '须至少指明一个要更正的字段',
  'must be male or female': '须为 male 或 female',
  'must be a whole number from 1': '须为从 1 开始的整数',
  'must be a real date, YYYY-MM-DD': '须为真实存在的日期，格式 YYYY-MM-DD',
  'must be a name': '须为姓名',
  'is the same as the current value': '与当前值相同',
  'is required when sex or birth date are corrected': '更正性别或出生日期时为必填项',
  'is required when a father is added': '补充父亲信息时为必填项',
  'is required and cannot be cleared': '为必填项，不能清空',
  'is not given before the birth': '出生前不填写',
  'is not a valid resident ID': '不是有效的公民身份号码',
  'is not a correctable field': '不是可更正的字段',
  'is already the residence region': '已是当前居住地',
  'does not exist before the birth': '出生前不存在',
  'cannot be set on a registered birth': '已登记的出生不能设置此项',
  'can only be true': '只能为 true',
  // Common refusals of the areas (details).
  'This region lies outside your region.': '该区域不在您的管辖区域内。',
  'That region lies outside your region.': '该区域不在您的管辖区域内。',
  'That region lies outside this province.': '该区域不在本省范围内。',
  'No household with this id.': '没有该编号的家庭户。',
  'No birth registration with this id.': '没有该编号的出生登记。',
  'No person with this id.': '没有该编号的人员。',
  'No certificate with this id.': '没有该编号的证书。',
  'No certificate with this verification code.': '没有使用该核验码的证书。',
  'No remote verification with this id.': '没有该编号的跨省核验请求。',
  'No message with this id.': '没有该编号的报文。',
  'No such enrolment.': '没有该待遇申领。',
  'No such batch.': '没有该发放批次。',
  'Payout holds no facts about this person.': '待遇发放系统尚无该人员的信息。',
  'The payout service holds no facts about this person yet.': '待遇发放系统尚无该人员的信息。',
  'A person with this resident ID is already recorded.': '该公民身份号码的人员已经登记。',
  'This person is already recorded.': '该人员已经登记。',
  'This person already has an open enrolment in this scheme.': '该人员在此项目中已有未结束的申领。',
  'The person who submitted a batch cannot approve it.': '提交批次的人员不能审批该批次。',
  'The person was changed by someone else; read it again and retry.':
    '该人员信息已被他人修改，请重新读取后重试。',
  'The person record is inconsistent.': '人员信息前后矛盾。',
  'The person is recorded as deceased.': '该人员已登记死亡。',
  'The partner is paused; resume it before replaying.': '该合作省份已暂停，请先恢复再重发。',
  'The household has no parent with a recorded name.': '该家庭户没有已登记姓名的父母。',
  'The household changed meanwhile; read it again and retry.': '家庭户信息已变化，请重新读取后重试。',
  'The household changed meanwhile.': '家庭户信息已变化。',
  'The enrolment changed meanwhile; read it again.': '申领信息已变化，请重新读取。',
  'The batch changed meanwhile; read it again.': '批次信息已变化，请重新读取。',
  'The document is not a pain.002.001.10 status report for this batch.':
    '该文件不是本批次的 pain.002.001.10 状态报告。',
  'The death is already recorded.': '死亡已经登记。',
  'The certificate is already revoked.': '该证书已被注销。',
  'The birth registration cannot be submitted.': '该出生登记无法提交。',
  'The birth is still expected; record the birth before registering it.':
    '尚未出生，请先登记出生情况再办理登记。',
  'The birth is already recorded.': '出生情况已经登记。',
  'The beneficiary is recorded as deceased; the enrolment cannot be resumed.':
    '受益人已登记死亡，申领不能恢复。',
  'Status reports apply to a batch that has been sent to the bank.': '状态报告只适用于已发送银行的批次。',
  'No free verification code; try again.': '暂无可用核验码，请重试。',
  'Give the child as born.': '请填写出生后的子女信息。',
  'Citizens name the beneficiary by resident ID.': '群众申请时请以公民身份号码指明受益人。',
  'Certificates of this province are checked with the verify route.': '本省证书请使用核验接口查验。',
  'A revocation needs a reason.': '注销须说明理由。',
  'A province is not its own partner.': '本省不能作为自己的合作省份。',
  'A batch has a payment file once disbursing has started.': '批次开始发放后才有支付文件。',
  'The logic audit found errors to fix.': '逻辑审核发现需要更正的错误。',
};

/** The text in the caller's language: its own Chinese wording, else a known one, else English. */
export function localize(en: string, zh: string | undefined, language: 'zh' | 'en'): string {
  return language === 'en' ? en : (zh ?? ZH_TEXT[en] ?? en);
}
