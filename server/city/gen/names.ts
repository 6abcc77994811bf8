// Names (Huzhou-flavoured) for roads, communities and subdistricts.
import type { RoadKind } from '../../../models/city';
import { chance, type Rng } from './random';

export const ROAD_WORDS: [string, string][] = [
  ['人民', 'Renmin'], ['红旗', 'Hongqi'], ['劳动', 'Laodong'], ['凤凰', 'Fenghuang'], ['青铜', 'Qingtong'],
  ['苕溪', 'Tiaoxi'], ['龙溪', 'Longxi'], ['解放', 'Jiefang'], ['吴兴', 'Wuxing'], ['仁皇山', 'Renhuangshan'],
  ['月河', 'Yuehe'], ['朝阳', 'Chaoyang'], ['府庙', 'Fumiao'], ['新华', 'Xinhua'], ['安定', 'Anding'],
  ['公园', 'Gongyuan'], ['广场', 'Guangchang'], ['学士', 'Xueshi'], ['莲花庄', 'Lianhuazhuang'], ['车站', 'Chezhan'],
  ['爱山', 'Aishan'], ['飞英', 'Feiying'], ['衣裳', 'Yishang'], ['骆驼桥', 'Luotuoqiao'], ['甘棠', 'Gantang'],
  ['竹竿', 'Zhugan'], ['仓桥', 'Cangqiao'], ['塔下', 'Taxia'], ['白鱼潭', 'Baiyutan'], ['碧浪', 'Bilang'],
  ['清源', 'Qingyuan'], ['金盖', 'Jingai'], ['霅溪', 'Zhaxi'], ['江南', 'Jiangnan'], ['太湖', 'Taihu'],
  ['弁山', 'Bianshan'], ['道场', 'Daochang'], ['杨家埠', 'Yangjiabu'], ['康山', 'Kangshan'], ['滨湖', 'Binhu'],
  ['双林', 'Shuanglin'], ['练市', 'Lianshi'], ['菱湖', 'Linghu'], ['荻港', 'Digang'], ['和孚', 'Hefu'],
  ['八里店', 'Balidian'], ['埭溪', 'Daixi'], ['妙西', 'Miaoxi'], ['东林', 'Donglin'], ['善琏', 'Shanlian'],
  ['含山', 'Hanshan'], ['毗山', 'Pishan'], ['岘山', 'Xianshan'], ['西山漾', 'Xishanyang'], ['潜庄', 'Qianzhuang'],
  ['市陌', 'Shimo'], ['宏达', 'Hongda'], ['环渚', 'Huanzhu'], ['红丰', 'Hongfeng'], ['新风', 'Xinfeng'],
  ['南园', 'Nanyuan'], ['北园', 'Beiyuan'], ['余家漾', 'Yujiayang'], ['启新', 'Qixin'], ['湖东', 'Hudong'],
  ['馆驿', 'Guanyi'], ['潮音', 'Chaoyin'], ['五昌', 'Wuchang'], ['和平', 'Heping'], ['幸福', 'Xingfu'],
  ['长岛', 'Changdao'], ['龙山', 'Longshan'], ['陆家湾', 'Lujiawan'], ['升山', 'Shengshan'], ['吉山', 'Jishan'],
  ['汇丰', 'Huifeng'], ['白雀', 'Baique'], ['西塞', 'Xisai'], ['织里', 'Zhili'], ['轧村', 'Zhacun'],
];
export const COMMUNITY_WORDS: [string, string][] = [
  ['莲花庄', 'Lianhuazhuang'], ['衣裳街', 'Yishangjie'], ['馆驿河头', 'Guanyihetou'], ['府庙', 'Fumiao'], ['南园', 'Nanyuan'],
  ['北门', 'Beimen'], ['西门', 'Ximen'], ['东门', 'Dongmen'], ['白鱼潭', 'Baiyutan'], ['红丰', 'Hongfeng'],
  ['新风', 'Xinfeng'], ['青铜', 'Qingtong'], ['骆驼桥', 'Luotuoqiao'], ['潮音桥', 'Chaoyinqiao'], ['甘棠', 'Gantang'],
  ['苕溪', 'Tiaoxi'], ['龙溪', 'Longxi'], ['霅溪', 'Zhaxi'], ['碧浪', 'Bilang'], ['江南', 'Jiangnan'],
  ['清源', 'Qingyuan'], ['金盖', 'Jingai'], ['吉山', 'Jishan'], ['汇丰', 'Huifeng'], ['安定', 'Anding'],
  ['塔下', 'Taxia'], ['仓桥', 'Cangqiao'], ['小西街', 'Xiaoxijie'], ['五昌', 'Wuchang'], ['劳动', 'Laodong'],
  ['人民', 'Renmin'], ['和平', 'Heping'], ['幸福', 'Xingfu'], ['长岛', 'Changdao'], ['荻港', 'Digang'],
  ['月亮湾', 'Yueliangwan'], ['滨江', 'Binjiang'], ['仁北', 'Renbei'], ['龙山', 'Longshan'], ['陆家湾', 'Lujiawan'],
  ['东林', 'Donglin'], ['升山', 'Shengshan'], ['凤凰', 'Fenghuang'], ['朝阳', 'Chaoyang'], ['飞英', 'Feiying'],
  ['爱山', 'Aishan'], ['康山', 'Kangshan'], ['白雀', 'Baique'],
];
// Subdistricts (街道) of Wuxing District; street codes are sequential 3-digit numbers.
export const STREET_NAMES: [string, string][] = [
  ['月河街道', 'Yuehe Subdistrict'], ['朝阳街道', 'Chaoyang Subdistrict'], ['爱山街道', 'Aishan Subdistrict'],
  ['飞英街道', 'Feiying Subdistrict'], ['龙泉街道', 'Longquan Subdistrict'], ['凤凰街道', 'Fenghuang Subdistrict'],
  ['康山街道', 'Kangshan Subdistrict'], ['仁皇山街道', 'Renhuangshan Subdistrict'], ['滨湖街道', 'Binhu Subdistrict'],
  ['杨家埠街道', 'Yangjiabu Subdistrict'], ['环渚街道', 'Huanzhu Subdistrict'], ['道场街道', 'Daochang Subdistrict'],
];
const CN_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1..99 in Chinese numerals: 一, 十, 十七, 二十三 */
function cnNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  const t = Math.floor(n / 10), u = n % 10;
  return (t > 1 ? CN_DIGITS[t]! : '') + '十' + CN_DIGITS[u]!;
}

export class NamePool {
  private order: number[];
  private next = 0;
  private round = 0;
  constructor(private words: [string, string][], rng: Rng) {
    this.order = words.map((_, i) => i);
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
    }
  }
  /** a unique stem: the words first, then the words with a numeral (一, 二, ...) */
  take(): { zh: string; en: string } {
    if (this.next >= this.order.length) { this.next = 0; this.round++; }
    const [zh, en] = this.words[this.order[this.next++]!]!;
    if (this.round === 0) return { zh, en };
    return { zh: zh + (this.round < 100 ? cnNumber(this.round) : String(this.round)), en: `${en} ${this.round}` };
  }
}

export function roadName(stem: { zh: string; en: string }, kind: RoadKind, rng: Rng): { zh: string; en: string } {
  if (kind === 'main') return chance(rng, 0.15) ? { zh: stem.zh + '大道', en: stem.en + ' Avenue' } : { zh: stem.zh + '路', en: stem.en + ' Road' };
  if (kind === 'secondary') return chance(rng, 0.4) ? { zh: stem.zh + '街', en: stem.en + ' Street' } : { zh: stem.zh + '路', en: stem.en + ' Road' };
  return chance(rng, 0.5) ? { zh: stem.zh + '巷', en: stem.en + ' Lane' } : { zh: stem.zh + '弄', en: stem.en + ' Alley' };
}
