/**
 * Whether an inbound reply means "stop messaging me". Carriers and Chinese
 * SMS practice use R, T, TD, N, QX and 退订; people also write 退订谢谢,
 * 取消, STOP. Long messages that merely mention 退订 are left for a person.
 */
const KEYWORDS = new Set([
  'R',
  'T',
  'TD',
  'N',
  'QX',
  'STOP',
  'UNSUBSCRIBE',
  '退订',
  '退',
  '取消',
  '取消订阅',
  '拒收',
  '不要再发',
])

export function isUnsubscribeReply(text: string): boolean {
  const normalised = text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000.,!?;:。，！？；：、~～"'“”‘’()（）【】\[\]-]/g, '')
    .toUpperCase()
  if (KEYWORDS.has(normalised)) return true
  return normalised.length <= 10 && (normalised.includes('退订') || normalised.startsWith('TD'))
}
