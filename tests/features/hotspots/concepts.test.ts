import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lexicon } from '../../../bot/features/hotspots/lexicon';
import { Matcher } from '../../../bot/features/hotspots/matcher';
import { readLexicon, replaceLexicon } from '../../../bot/features/hotspots/store';
import { loadScenarioFile, parseScenario } from '../../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { SHIPPED_SCENARIO } from './labelled';

let shipped: Lexicon;
let matcher: Matcher;
beforeAll(async () => {
  const loaded = await loadScenarioFile(SHIPPED_SCENARIO);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  shipped = loaded.scenario.lexicon!;
  matcher = new Matcher(shipped.topics);
});
const topicsOf = (text: string) => matcher.match(text).map((i) => matcher.topicIds[i]);

/** Every kind of miss and false alarm the issue lists, with the shipped lexicon's rules alone. */
const cases: [kind: string, text: string, expected: string[]][] = [
  ['word order', 'tháng này vẫn chưa thấy lương về', ['wages']],
  ['word order', 'tiền tăng ca quý trước công ty vẫn nợ', ['wages']],
  ['word order', 'máy bơm lò hỏng ba hôm chưa ai sửa', ['safety']],
  ['word order', 'lương tổ mình tháng này vẫn chưa về', ['wages']],
  ['word order', 'bảo hiểm xã hội vẫn chưa đóng cho anh em', ['wages']],
  ['mining', 'khí mê tan ở lò chợ 3 vượt ngưỡng 1,5%', ['safety']],
  ['mining', 'máy đo khí CH4 kêu liên tục từ sáng', ['safety']],
  ['mining', 'nóc lò chỗ ngã ba bị lún, vì chống cong hết', ['safety']],
  ['mining', 'có người ngã từ băng tải xuống', ['accident']],
  ['mining', 'xe goòng trật bánh ở giếng nghiêng', ['accident']],
  ['mining', 'khói bốc ra từ trong lò mức -150', ['accident']],
  ['themes', 'anh em rủ nhau bỏ ca từ chiều', ['collective']],
  ['themes', 'cả tổ ký tên tập thể gửi giám đốc', ['collective']],
  ['themes', 'quản đốc quát tháo, chèn ép anh em ca 3', ['unfair']],
  ['themes', 'tiền ăn ca bị ăn bớt mấy tháng nay', ['integrity']],
  ['themes', 'dân xóm 4 kéo đến đòi đền bù vì nứt nhà', ['residents']],
  ['themes', 'bụi than bay vào nhà dân kinh khủng', ['environment']],
  ['themes', 'bài đăng trên facebook xuyên tạc về công ty', ['rumours']],
  ['themes', 'nản quá, muốn bỏ nghề', ['morale']],
  ['shorthand', 'lg thang nay dau r???', ['wages']],
  ['shorthand', 'k thay tien ve', ['wages']],
  ['shorthand', 'LƯƠNG ĐÂU RỒI 😡😡', ['wages']],
  ['NFD', 'tháng này vẫn chưa thấy lương về'.normalize('NFD'), ['wages']],
  ['NFD', 'quản đốc quát tháo anh em'.normalize('NFD'), ['unfair']],
  ['drill', 'buổi diễn tập cứu hộ mỏ sáng mai', []],
  ['drill', 'tập huấn an toàn: xử lý khi khí mê tan vượt ngưỡng', []],
  ['drill', 'Diễn tập phòng chống bão lúc 8 giờ sáng mai'.normalize('NFD'), []],
  ['routine check', 'đo khí CO trong giới hạn cho phép', []],
  ['reassuring', 'áp thấp đã tan, sản xuất bình thường', []],
  ['reassuring', 'máy bơm hỏng hôm qua đã khắc phục xong', []],
  ['context undone', 'thợ mới vào chưa được huấn luyện an toàn đã cho xuống lò', ['safety']],
  ['context undone', 'đây không phải diễn tập, sập lò thật ở lò chợ 3, có người bị vùi', ['accident']],
  ['context undone', 'máy bơm lò 3 hỏng từ hôm qua, chưa khắc phục xong', ['safety']],
  ['context undone', 'ko phai dien tap dau, chay that o lo 5', ['accident']],
  ['drill', 'lớp huấn luyện an toàn cho thợ mới chiều nay', []],
  ['negation', 'ca đêm không ai bị thương', []],
  ['negation', 'không có tai nạn nào trong quý', []],
  ['negation', 'công ty chưa bao giờ chậm lương', []],
  ['negation', 'từ đầu năm chưa hề nợ lương anh em', []],
  ['other sense', 'cắt giảm thời gian họp giao ban', []],
  ['other sense', 'bão like trên trang của công ty', []],
  ['other sense', 'Bão hòa thị trường than rồi nên giá giảm', []],
  ['other sense', 'Công nhân tổ 5 đạt danh hiệu lao động giỏi', []],
  ['other sense', 'dc roi anh, em lam ngay', []],
  ['other sense', 'Đi đóng bảo hiểm xe máy chưa?', []],
  // Kinds outsider batch 8 brought (2026-12-07), in other words than its lines.
  ['word order', 'công ty lại lùi ngày trả lương sang mùng 10', ['wages']],
  ['word order', 'bị điều động sang phân xưởng khác đột ngột, không lý do', ['jobs']],
  ['word order', 'ai phản ánh với quản đốc là bị đì ngay', ['unfair']],
  ['mining', 'thợ lái tời ngủ gật vì làm 16 tiếng', ['safety']],
  ['mining', 'tuần này phải làm ca đêm liên tiếp không được nghỉ', ['safety']],
  ['mining', 'mưa lũ cuốn mất cây cầu tạm vào mỏ', ['disaster']],
  ['shorthand', 'lương thế này ko sống nổi', ['wages']],
  ['reassuring', 'trực ca liên tục cả tuần, đã bố trí nghỉ bù', []],
  ['other sense', 've que vui voi con chau', []],
  // Kinds outsider batch 9 brought (2026-12-07).
  ['themes', 'bếp ăn nấu cơm thiu, cả tổ bị tiêu chảy', ['safety']],
  ['themes', 'dịch cúm lây lan ở khu nhà tập thể', ['disaster']],
  ['themes', 'khí thải nhà máy làm hoa màu chết khô', ['environment']],
  ['word order', 'ai cũng bị phạt khi đi muộn, riêng người nhà quản đốc thì không', ['unfair']],
  ['word order', 'bảng chấm công tháng trước bị gạch mất 3 ngày', ['wages']],
  ['themes', 'mai cả tổ nghỉ nếu không giải quyết', ['collective']],
  ['themes', 'thiết bị mua về toàn hàng dởm', ['integrity']],
  ['themes', 'lớp trẻ bỏ nghề hết rồi', ['morale']],
  ['other sense', 'công nhân mà không được nghỉ thì sao chịu nổi', []],
  ['drill', 'đã phun thuốc phòng dịch sốt xuất huyết', []],
  // Shorthand the admin never wrote: shorthand.ts spells every phrase the ways workers shorten it.
  ['shorthand', 'hok an toàn chút nào', ['safety']],
  ['shorthand', 'khum có bảo hộ gì cả', ['safety']],
  ['shorthand', 'bị cho thui việc mà không có quyết định', ['jobs']],
  ['shorthand', 'ng nhà lãnh đạo được ưu tiên hết', ['integrity']],
  // Typed without marks, short words fold onto concept words (cảm ơn → ồn, hỗ trợ → ho, tất cả →
  // tắt, sản lượng → lương, bóng → bỏng): those concept words are exact, or excluded in context.
  ['other sense', 'cam on cong doan da ho tro gia dinh em', []],
  ['other sense', 'hom nay kiem tra binh tu cuu, tat ca con han', []],
  ['other sense', 'to minh thang nay vuot san luong', []],
  ['other sense', 'doi bong thang dam, chay qua ae oi', []],
  ['other sense', 'bao cao: khong co su co nao', []],
  ['other sense', 'nghe noi sap tang luong co ban', []],
  ['shorthand', 'may xuc lui can vao chan tho phu', ['accident']],
  ['shorthand', 'dan xom tren keo xuong doi cong ty sua duong', ['residents']],
  ['shorthand', 'noc lo cu roi da la ta', ['safety']],
  // Kinds outsider batch 10 brought (2026-12-07).
  ['word order', 'tổ em sắp bị cắt 5 suất sau khi khoán lại', ['jobs']],
  ['shorthand', 'cả tháng đi làm mà chẳng được đồng nào', ['wages']],
  ['themes', 'nhà ông Tư nứt toác vì bắn mìn', ['residents']],
  ['themes', 'hơn trăm thợ lò kéo lên văn phòng công ty', ['collective']],
  ['themes', 'bọn em ngồi lì ở nhà giao ca, không chịu xuống lò', ['collective']],
  ['word order', 'mưa to cả tuần, đường vào lò chợ 3 bị ngập', ['disaster']],
  ['other sense', 'chị ấy đánh rơi điện thoại xuống nước', []],
  ['reassuring', 'công ty đã cử người xuống xem đường nứt ở xóm 4', []],
  // Kinds outsider batch 11 brought (2026-12-07).
  ['word order', 'thưởng cuối năm công ty đã hứa mà giờ vẫn chưa thấy', ['wages']],
  ['mining', 'lò chợ 2 bị sập một đoạn ngay ca sáng', ['accident']],
  ['mining', 'anh ấy bị ngạt trong lò, vẫn chưa tỉnh', ['accident']],
  ['themes', 'ae bảo hết năm nay là nghỉ', ['morale']],
  ['other sense', 'khong nan, co len anh em', []],
  ['reassuring', 'lương đã chuyển khoản, ai chưa nhận báo lại', []],
  // Kinds outsider batch 12 brought (2026-12-07).
  ['word order', 'quỹ lương cạn, kỳ này chỉ trả một nửa', ['wages']],
  ['mining', 'bọn em phát mỗi người 1 cái khẩu trang dùng cả quý', ['safety']],
  ['mining', 'ai đó lấy băng dính dán kín cảm biến khí lại', ['safety']],
  ['themes', 'phiếu chấm điểm thi đua của tổ bị sửa', ['integrity']],
  ['themes', 'trên fb có người đăng bài nói mỏ ta độc hại, không đúng sự thật', ['rumours']],
  ['reassuring', 'công ty đã bồi thường đầy đủ cho các hộ', []],
  // Kinds outsider batch 13 brought (2026-12-07).
  ['word order', 'hỏi hoài mà không ai trả lời vụ tiền trợ cấp', ['wages']],
  ['word order', 'ai không đạt chỉ tiêu 2 tháng sẽ bị cho nghỉ', ['jobs']],
  ['shorthand', 'tui bị điều qua tổ khác mà hổng ai nói lý do', ['jobs']],
  ['shorthand', 'hổng an toàn chút nào', ['safety']],
  ['mining', 'băng tải chạy không có người trông', ['safety']],
  ['themes', 'làm hoài không thấy lối ra', ['morale']],
  // Kinds outsider batch 14 brought (2026-12-07).
  ['other sense', 'chủ nhật đi cắt tóc không ae', []],
  ['mining', 'tời kéo ở lò thượng không có chốt hãm', ['safety']],
  ['themes', 'cả tổ rủ nhau tắt máy đồng loạt', ['collective']],
  ['themes', 'em không còn động lực đi làm nữa', ['morale']],
  ['reassuring', 'đã bổ sung biển báo ở ngã ba lò', []],
  // Kinds outsider batch 15 brought (2026-12-07).
  ['other sense', 'gia đình công nhân khó khăn được công ty hỗ trợ', []],
  ['word order', 'nghe nói tự động hóa xong dư cả trăm người', ['jobs']],
  ['mining', 'bình dưỡng khí của tổ mở ra thì hỏng', ['safety']],
  ['mining', 'lái xe ca đêm ngủ gục trên xe', ['safety']],
  ['other sense', 'công nhân thừa nhận làm sai quy trình', []],
  // Kinds outsider batch 16 brought (2026-12-08).
  ['themes', 'cả phân xưởng không đi ca sáng nay', ['collective']],
  ['themes', 'bị ép ký đơn tự nguyện nghỉ việc', ['jobs']],
  ['mining', 'lò này không có đường thoát nào khác', ['safety']],
  ['themes', 'có người ký nhận hộ tiền thưởng của ae', ['integrity']],
  ['reassuring', 'đã kiểm tra, thay mới cáp tời bị tưa', []],
  ['reassuring', 'clip cháy trên mạng là ở nước ngoài', []],
];

describe('concept rules of the shipped lexicon, kind by kind', () => {
  it.each(cases)('%s: %s', (_kind, text, expected) => {
    expect(topicsOf(text)).toEqual(expected);
  });

  it('says which concepts matched and lowers a hit in a reassuring context instead of dropping it', () => {
    const [wages] = matcher.analyse('tháng này vẫn chưa thấy lương về').verdicts;
    expect(wages).toMatchObject({ strength: 'hit', concepts: ['salary', 'late'] });
    const lowered = matcher.analyse('máy bơm hỏng hôm qua đã khắc phục xong');
    expect(lowered.verdicts.map((v) => [matcher.topicIds[v.topic], v.strength])).toEqual([
      ['safety', 'lowered'],
    ]);
    const drill = matcher.analyse('buổi diễn tập: có người ngã từ băng tải');
    expect(drill.verdicts).toEqual([]);
    expect(drill.cancelled.map((i) => matcher.topicIds[i])).toEqual(['accident']);
    expect(drill.vocabulary).toBe(true);
    expect(matcher.analyse('hôm nay trời đẹp').vocabulary).toBe(false);
  });
});

const RULES_FILE = `version: 1
lexicon:
  concepts:
    pay: [lương, lg]
    late: [chưa, chậm, nợ]
  negation: [chưa bao giờ]
  context: { cancel: [diễn tập], lower: [đã trả], negation: [không phải, chưa] }
  topics:
    - id: wages
      name: Lương
      severity: high
      rules:
        - { near: [pay, late], window: 2 }
      playbook: Hỏi kế toán.
    - id: old
      name: Kiểu cũ
      severity: low
      terms: [đình công]
      playbook: Gặp tổ.
`;

describe('the rule language', () => {
  const parse = (text: string) => {
    const parsed = parseScenario(text, 'x.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return parsed.scenario.lexicon!;
  };

  it('counts the window in words between the concepts, in either order', () => {
    const m = new Matcher(parse(RULES_FILE).topics);
    const of = (text: string) => m.match(text).map((i) => m.topicIds[i]);
    expect(of('lương chưa về')).toEqual(['wages']);
    expect(of('chưa thấy lương')).toEqual(['wages']);
    expect(of('nợ anh em lương')).toEqual(['wages']); // 2 words between
    expect(of('nợ anh em tổ lương')).toEqual([]); // 3 words between
    expect(of('lương')).toEqual([]); // one concept is not enough
    expect(of('chưa bao giờ chậm lương')).toEqual([]); // "chưa" is the negation's, "chậm" is negated
    expect(of('diễn tập: lương chưa về')).toEqual([]);
    expect(of('lương chưa về, đã trả hôm sau')).toEqual([]); // lowered
    expect(of('không phải diễn tập: lương chưa về')).toEqual(['wages']); // the context is undone
    expect(of('lương chưa về, chưa đã trả')).toEqual(['wages']);
    expect(of('không phải đâu, lương nợ ba tháng rồi, diễn tập')).toEqual([]); // too far before the context to undo it
    // Words that only undo contexts are not vocabulary: the model's gate stays shut.
    expect(m.analyse('không phải vậy').vocabulary).toBe(false);
    expect(of('cong nhan dinh cong')).toEqual(['old']); // a file of terms only still works
  });

  it('rejects a rule naming an unknown concept, with its place', () => {
    const parsed = parseScenario(RULES_FILE.replace('[pay, late]', '[pay, nope]'), 'x.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors[0]).toMatchObject({ field: 'lexicon.topics[0].rules[0].near[1]' });
    expect(parsed.errors[0]!.message).toContain('no concept "nope"');
    const badContext = parseScenario(
      RULES_FILE.replace('negation: [không phải, chưa] }', 'negation: 5 }'),
      'x.yaml',
    );
    expect(badContext.ok).toBe(false);
    if (!badContext.ok) expect(badContext.errors[0]).toMatchObject({ field: 'lexicon.context.negation' });
    const empty = parseScenario(RULES_FILE.replace(/ {6}rules:\n.*\n/, ''), 'x.yaml');
    expect(empty.ok).toBe(false);
  });

  describe('stored and read back', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db.close();
    });

    it('keeps rules, negation and context through the database', async () => {
      await replaceLexicon(db.db, shipped);
      const { lexicon } = await readLexicon(db.db);
      const back = new Matcher(lexicon.topics);
      for (const [, text, expected] of cases)
        expect(
          back.match(text).map((i) => back.topicIds[i]),
          text,
        ).toEqual(expected);
      for (const topic of shipped.topics)
        expect(lexicon.topics.find((t) => t.id === topic.id)!.rules, topic.id).toEqual(topic.rules);
    });
  });
});
