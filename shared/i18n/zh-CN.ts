// 简体中文目录。键必须与 en.ts 一一对应（有测试检查）。
import type { MessageKey } from './index.ts';

export const zhCN: Record<MessageKey, string> = {
  'app.title': '城市运行管理中心',
  'severity.critical': '特急',
  'severity.high': '紧急',
  'severity.medium': '一般',
  'severity.low': '轻微',
  'status.new': '新建',
  'status.triaged': '已受理',
  'status.dispatched': '已派遣',
  'status.accepted': '已接单',
  'status.on_scene': '已到场',
  'status.resolved': '已处置',
  'status.closed': '已结案',
  'status.rejected': '不予受理',
  'status.merged': '已合并',
  'source.hotline': '12345热线',
  'source.sensor': '物联感知',
  'source.patrol': '巡查上报',
  'source.camera': '视频发现',
  'source.system': '系统',
};
