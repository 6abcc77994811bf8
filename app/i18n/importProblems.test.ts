import { describe, expect, it } from 'vitest';
import { problemText } from './importProblems';

describe('problemText', () => {
  it('says the importer\'s problems in Chinese, keeping the values', () => {
    expect(problemText('class "StreetLight" maps to nothing: add it to the class mapping', 'zh')).toBe('类别 "StreetLight" 没有对应的部件类：请在类别映射中添加');
    expect(problemText('coordinates[0]: (121000, 487000) is not a place in the file\'s coordinate system (wrong CRS?)', 'zh'))
      .toBe('coordinates[0]: (121000, 487000) 不是文件坐标系中的位置（坐标系错误？）');
    expect(problemText('component code "123456789012345678" must be 17 digits (GB/T 47678.5) or the older 16: it has 18 characters', 'zh'))
      .toBe('部件编码 "123456789012345678" 须为 17 位（GB/T 47678.5）或旧的 16 位：实为 18 个字符');
    expect(problemText('the file ends inside feature 12 (is the file truncated?)', 'zh')).toBe('文件在要素 12 中途结束（文件被截断？）');
    expect(problemText('tileset.json: the content "tiles/3.b3dm" is missing', 'zh')).toBe('tileset.json：缺少内容文件 "tiles/3.b3dm"');
    expect(problemText('no DEM: the terrain is flat at 42.54 m (the ground level the data implies); import a DEM to replace it', 'zh')).toBe('没有 DEM：地形按数据所示的地面高程 42.54 米取平；导入 DEM 可替换');
  });
  it('keeps English, and a message it does not know, as they came', () => {
    expect(problemText('the collection is empty: no features', 'en')).toBe('the collection is empty: no features');
    expect(problemText('something new', 'zh')).toBe('something new');
  });
});
