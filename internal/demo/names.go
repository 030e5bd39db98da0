package demo

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
)

// table draws items with given relative weights.
type table[T any] struct {
	items []T
	cum   []float64
}

func newTable[T any](items []T, weights []float64) *table[T] {
	if len(items) != len(weights) || len(items) == 0 {
		panic("demo: table needs one weight per item") // a programming error in the banks
	}
	t := &table[T]{items: items, cum: make([]float64, len(weights))}
	sum := 0.0
	for i, w := range weights {
		sum += w
		t.cum[i] = sum
	}
	return t
}

func (t *table[T]) pick(r *rand.Rand) T {
	x := r.Float64() * t.cum[len(t.cum)-1]
	return t.items[sort.SearchFloat64s(t.cum, x)]
}

// Surnames with their approximate share of the population in per mille (the
// 2020 census ranking: 王, 李, 张, 刘 and 陈 alone cover a third of people)
// and their pinyin, for usernames.
const surnameList = `王 wang 71.2|李 li 70.0|张 zhang 67.4|刘 liu 51.0|陈 chen 46.1|杨 yang 32.2|黄 huang 24.5|赵 zhao 21.9|
吴 wu 20.5|周 zhou 19.5|徐 xu 16.1|孙 sun 15.4|马 ma 12.9|朱 zhu 12.8|胡 hu 12.4|郭 guo 11.8|何 he 11.7|林 lin 11.2|
高 gao 10.9|罗 luo 9.9|郑 zheng 8.7|梁 liang 8.5|谢 xie 8.0|宋 song 7.4|唐 tang 7.4|许 xu 7.2|韩 han 7.1|冯 feng 7.0|
邓 deng 6.9|曹 cao 6.6|彭 peng 6.4|曾 zeng 6.1|肖 xiao 6.1|田 tian 5.8|董 dong 5.6|袁 yuan 5.4|潘 pan 5.2|于 yu 5.1|
蒋 jiang 5.0|蔡 cai 4.9|余 yu 4.8|杜 du 4.7|叶 ye 4.6|程 cheng 4.5|苏 su 4.4|魏 wei 4.3|吕 lv 4.2|丁 ding 4.1|
任 ren 4.0|沈 shen 3.9|姚 yao 3.8|卢 lu 3.7|姜 jiang 3.6|崔 cui 3.5|钟 zhong 3.4|谭 tan 3.3|陆 lu 3.2|汪 wang 3.1|
范 fan 3.0|金 jin 2.9|石 shi 2.9|廖 liao 2.8|贾 jia 2.7|夏 xia 2.6|韦 wei 2.5|付 fu 2.5|方 fang 2.4|白 bai 2.3|
邹 zou 2.3|孟 meng 2.2|熊 xiong 2.2|秦 qin 2.1|邱 qiu 2.1|江 jiang 2.0|尹 yin 2.0|薛 xue 1.9|闫 yan 1.8|段 duan 1.8|
雷 lei 1.8|侯 hou 1.7|龙 long 1.7|史 shi 1.6|陶 tao 1.6|黎 li 1.5|贺 he 1.5|顾 gu 1.5|毛 mao 1.4|郝 hao 1.4|
龚 gong 1.4|邵 shao 1.3|万 wan 1.3|钱 qian 1.3|严 yan 1.2|覃 qin 1.2|武 wu 1.2|戴 dai 1.2|莫 mo 1.1|孔 kong 1.1|
向 xiang 1.1|汤 tang 1.1|欧阳 ouyang 0.3|司马 sima 0.05|上官 shangguan 0.05|诸葛 zhuge 0.05`

// Characters of given names. Single-character names and the two halves of
// two-character names are drawn from separate lists per gender; "female"
// and "male" lists overlap where Chinese usage does (华, 晓, 春 ...).
const (
	femaleSingle = "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 颖 琳 倩 洁 萍 红 梅 琴 云 莉 欣 悦 晶 璐 佳 妍 怡 婧 蕾 雯 楠 莹 丹 蓉 薇 瑶 菲"
	femaleFirst  = "晓 小 思 雨 嘉 诗 梦 雅 淑 春 海 玉 丽 美 秀 文 佳 欣 婉 静 红 月 慧 凤 桂 亚 晨 一 子"
	femaleSecond = "梅 燕 婷 琳 雪 颖 丽 芳 娟 霞 玲 洁 萍 琴 云 莉 悦 晶 璐 妍 怡 婧 蕾 雯 楠 莹 丹 蓉 薇 瑶 菲 敏 静 娜 慧 红 英 兰 华 涵 琪 萱 彤"
	maleSingle   = "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 旭 宁 龙 林 阳 峰 东 亮 成 坤 毅 锋 松 翔 哲"
	maleFirst    = "建 国 志 文 永 德 庆 振 宏 晓 立 新 春 光 海 子 俊 浩 宇 明 家 嘉 一 天 思 博 卫 学 忠 长 金 正 世 晨"
	maleSecond   = "伟 强 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 俊 帆 旭 宁 龙 林 阳 峰 东 亮 成 民 生 荣 忠 兵 磊 轩 昊 然 哲 睿 泽 翔 毅 锋 松 坤 彬 航 铭"
)

// givenPinyin spells every character of the given-name lists.
const givenPinyin = `芳fang 娜na 敏min 静jing 丽li 艳yan 娟juan 霞xia 燕yan 玲ling 婷ting 雪xue 慧hui 颖ying 琳lin 倩qian
洁jie 萍ping 红hong 梅mei 琴qin 云yun 莉li 欣xin 悦yue 晶jing 璐lu 佳jia 妍yan 怡yi 婧jing 蕾lei 雯wen 楠nan 莹ying
丹dan 蓉rong 薇wei 瑶yao 菲fei 晓xiao 小xiao 思si 雨yu 嘉jia 诗shi 梦meng 雅ya 淑shu 春chun 海hai 玉yu 美mei 秀xiu
文wen 婉wan 月yue 凤feng 桂gui 亚ya 晨chen 一yi 子zi 英ying 兰lan 华hua 涵han 琪qi 萱xuan 彤tong 伟wei 强qiang
磊lei 军jun 勇yong 杰jie 涛tao 斌bin 超chao 明ming 刚gang 平ping 辉hui 鹏peng 飞fei 鑫xin 波bo 宇yu 浩hao 凯kai
健jian 俊jun 帆fan 旭xu 宁ning 龙long 林lin 阳yang 峰feng 东dong 亮liang 成cheng 坤kun 毅yi 锋feng 松song 翔xiang
哲zhe 建jian 国guo 志zhi 永yong 德de 庆qing 振zhen 宏hong 立li 新xin 光guang 家jia 天tian 博bo 卫wei 学xue 忠zhong
长chang 金jin 正zheng 世shi 民min 生sheng 荣rong 兵bing 轩xuan 昊hao 然ran 睿rui 泽ze 彬bin 航hang 铭ming`

// namer draws realistic Chinese names and their pinyin.
type namer struct {
	surnames *table[[2]string] // {hanzi, pinyin}
	pinyin   map[string]string
	female   nameParts
	male     nameParts
}

type nameParts struct{ single, first, second []string }

func newNamer() *namer {
	n := &namer{pinyin: map[string]string{}}
	var items [][2]string
	var weights []float64
	for _, entry := range strings.Split(strings.ReplaceAll(surnameList, "\n", ""), "|") {
		f := strings.Fields(entry)
		w, err := strconv.ParseFloat(f[2], 64)
		if err != nil || len(f) != 3 {
			panic("demo: bad surname entry " + entry) // the list is a constant above
		}
		items = append(items, [2]string{f[0], f[1]})
		weights = append(weights, w)
		n.pinyin[f[0]] = f[1]
	}
	n.surnames = newTable(items, weights)
	for _, f := range strings.Fields(givenPinyin) {
		i := strings.IndexFunc(f, func(r rune) bool { return r < 128 })
		n.pinyin[f[:i]] = f[i:]
	}
	n.female = nameParts{strings.Fields(femaleSingle), strings.Fields(femaleFirst), strings.Fields(femaleSecond)}
	n.male = nameParts{strings.Fields(maleSingle), strings.Fields(maleFirst), strings.Fields(maleSecond)}
	return n
}

// name returns a display name such as 张晓梅 and its pinyin zhangxiaomei.
// Older teachers more often have one-character given names.
func (n *namer) name(r *rand.Rand, female bool, older bool) (display, pinyin string) {
	s := n.surnames.pick(r)
	p := n.male
	if female {
		p = n.female
	}
	single := 0.22
	if older {
		single = 0.45
	}
	var given []string
	if r.Float64() < single {
		given = []string{pick(r, p.single)}
	} else {
		a, b := pick(r, p.first), pick(r, p.second)
		for b == a {
			b = pick(r, p.second)
		}
		given = []string{a, b}
	}
	display, pinyin = s[0], s[1]
	for _, g := range given {
		display += g
		pinyin += n.pinyin[g]
	}
	return display, pinyin
}

// surname draws a surname alone, for "王老师" in texts.
func (n *namer) surname(r *rand.Rand) string { return n.surnames.pick(r)[0] }

// usernames hands out unique usernames built from pinyin: zhangxiaomei,
// then zhangxiaomei2, zhangxiaomei3 ...
type usernames map[string]int

func (u usernames) next(base string) string {
	u[base]++
	if n := u[base]; n > 1 {
		return base + strconv.Itoa(n)
	}
	return base
}
