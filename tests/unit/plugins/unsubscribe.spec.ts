import { test } from '@japa/runner'
import { isUnsubscribeReply } from '#app/plugins/messaging/unsubscribe'

test.group('Plugins / unsubscribe replies', () => {
  test('R, T, TD, N, 退订 and friends opt out, in any width or case', ({ assert }) => {
    for (const reply of [
      'R',
      'r',
      ' T ',
      'TD',
      'td。',
      'Ｔ Ｄ',
      'N',
      '退订',
      '退订！',
      '退订谢谢',
      '取消',
      'STOP',
      'QX',
    ]) {
      assert.isTrue(isUnsubscribeReply(reply), reply)
    }
  })

  test('ordinary replies do not', ({ assert }) => {
    for (const reply of [
      '好的',
      '什么时候发货',
      'Thanks',
      'ROSE',
      '1',
      '请问这个订单可以退订金吗？我上周买的那件衣服',
    ]) {
      assert.isFalse(isUnsubscribeReply(reply), reply)
    }
  })
})
