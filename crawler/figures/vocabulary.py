"""The words of party-building reports, as data: what counts, what is counted, what is said of it.

Every phrase is written in the reader's match form: lower case, tone marks placed the modern way
(`hòa`, `ủy`, `tỷ lệ`). The patterns of real reports these lists come from are catalogued in
`CATALOGUE.md` beside this module; the rules that use them are in `reader.py`.
"""

from __future__ import annotations

# --- what is counted -------------------------------------------------------------------------------

MEMBERS, CELLS, ORGS = "members", "cells", "organizations"

# Nouns that count party organizations, longest first. Those of the second list name a kind of
# base organization: inside a breakdown they are the part's category.
ORG_NOUNS = (
    "tổ chức cơ sở đảng",
    "tổ chức cơ sở",
    "tccs đảng",
    "tccsđ",
    "tổ chức đảng",
    "tcđ",
    "cơ sở đảng",
    "tổ chức",
)
# Two kinds named together count organizations of no one kind: `39 đảng bộ, chi bộ trực thuộc`.
ORG_PAIRS = ("đảng bộ, chi bộ cơ sở", "đảng bộ, chi bộ trực thuộc", "đảng bộ, chi bộ", "chi, đảng bộ cơ sở",
             "chi, đảng bộ", "chi bộ, đảng bộ")  # fmt: skip
ORG_KIND_NOUNS = (
    "đảng bộ cơ sở", "chi bộ cơ sở", "đảng bộ bộ phận", "đảng bộ trực thuộc", "đảng ủy cơ sở", "đảng bộ", "chi ủy",
)  # fmt: skip
CELL_NOUNS = ("chi bộ",)
# People counted as party members where the text is about party members.
MEMBER_NOUNS = ("đảng viên", "đv", "đồng chí", "đ/c", "người", "trường hợp", "cán bộ", "quần chúng ưu tú",
                "quần chúng", "cấp ủy viên")  # fmt: skip
# Member nouns that are a category of members themselves (a count of them is a part).
MEMBER_KIND_NOUNS = ("cấp ủy viên",)
# Words that stand for the units rated, but only right before a rating: `31 cơ sở đạt trong sạch,
# vững mạnh`, `5 đơn vị hoàn thành xuất sắc nhiệm vụ`. They count organizations, or cells where cells
# were the last party noun said.
RATED_UNIT_NOUNS = ("cơ sở", "đơn vị")
# After a number, these nouns say it counts something else (households, money, villages, ...).
FOREIGN_NOUNS = (
    "hộ", "ha", "héc-ta", "triệu", "tỷ", "nghìn đồng", "đồng", "lớp", "học viên", "đại biểu", "thôn", "bản", "xã",
    "phường", "thị trấn", "huyện", "tỉnh", "khu phố", "tổ dân phố", "trường", "hồ sơ", "đơn", "cuộc", "đoàn", "văn bản",
    "chỉ tiêu", "tiêu chí", "km", "tấn", "con", "ngày", "tháng", "năm", "quý", "tuần", "lần", "giờ", "phút", "tuổi",
    "đoàn viên", "hội viên", "tân binh", "thanh niên", "học sinh", "em", "giáo viên", "công nhân", "doanh nghiệp",
    "nhiệm vụ", "nội dung", "kiến nghị", "đợt", "điểm", "%", "lượt người", "cơ quan", "đơn vị", "tập thể",
    "cá nhân", "mô hình", "công trình", "dự án", "vụ", "buổi", "bài", "tin", "sáng kiến", "nghị quyết", "quyết định",
    "chi ủy viên", "ủy viên", "thành viên", "chữ ký", "phiếu", "ấp", "buôn", "làng", "bon", "sóc", "khóm",
)  # fmt: skip
# Of those, the people who are members once admitted (`kết nạp Đảng cho 9 học sinh`).
ADMITTED_PEOPLE = ("đoàn viên", "hội viên", "tân binh", "thanh niên", "học sinh", "em", "giáo viên", "công nhân",
                   "học viên")  # fmt: skip

# --- what is said of it ----------------------------------------------------------------------------

# Rating labels → the rating they give; quotation marks and `đủ tư cách` may surround them.
RATINGS = (
    ("hoàn thành xuất sắc nhiệm vụ", "excellent"), ("hoàn thành xuất sắc", "excellent"), ("htxsnv", "excellent"),
    ("hoàn thành tốt nhiệm vụ", "good"), ("hoàn thành tốt", "good"), ("httnv", "good"),
    # Typos read as the rating they mean (settled case 9).
    ("hoàn thanh xuất sắc nhiệm vụ", "excellent"), ("hoàn thanh tốt nhiệm vụ", "good"), ("hoàn thanh nhiệm vụ", "completed"),
    ("không hoàn thành nhiệm vụ", "not_completed"), ("vi phạm tư cách hoặc không hoàn thành nhiệm vụ", "not_completed"),
    ("vi phạm tư cách", "not_completed"), ("hoàn thành nhiệm vụ", "completed"), ("thành nhiệm vụ", "completed"),
    ("htnv", "completed"), ("yếu kém", "weak"), ("yếu, kém", "weak"),
    ("trong sạch, vững mạnh tiêu biểu", "clean_strong_exemplary"), ("trong sạch vững mạnh tiêu biểu", "clean_strong_exemplary"),
    ("tsvm tiêu biểu", "clean_strong_exemplary"), ("trong sạch, vững mạnh", "clean_strong"),
    ("trong sạch vững mạnh", "clean_strong"), ("tsvm", "clean_strong"),
)  # fmt: skip
# `(loại) tiêu biểu` alone, after a clean-and-strong figure: its exemplary part.
EXEMPLARY = ("loại tiêu biểu", "tiêu biểu")
OR_BETTER = ("trở lên",)

# Verbs → what they do to the members or organizations counted after them.
VERBS = (
    ("kết luận", "violating"), ("phát hiện", "violating"),
    ("kết nạp", "new"), ("phát triển được", "new"), ("phát triển", "new"),
    ("thi hành kỷ luật", "disciplined"), ("xử lý kỷ luật", "disciplined"), ("kỷ luật", "disciplined"),
    ("khiển trách", "disciplined"), ("cảnh cáo", "disciplined"), ("cách chức", "disciplined"),
    ("khai trừ", "disciplined"),
    ("kiểm tra", "inspected"), ("giám sát", "inspected"), ("kt", "inspected"), ("gs", "inspected"),
    ("trao tặng", "badge"), ("truy tặng", "badge"), ("huy hiệu", "badge"), ("hhđ", "badge"),
    ("vi phạm", "violating"),
)  # fmt: skip
# The same, said after the noun: `12 đảng viên mới được kết nạp`, `2 đảng viên bị kỷ luật`.
AFTER_VERBS = (
    ("mới được kết nạp", "new"), ("được kết nạp", "new"), ("kết nạp mới", "new"), ("mới", "new"),
    ("bị thi hành kỷ luật", "disciplined"), ("bị kỷ luật", "disciplined"), ("bị xử lý kỷ luật", "disciplined"),
    ("phải thi hành kỷ luật", "disciplined"), ("bị khiển trách", "disciplined"), ("bị cảnh cáo", "disciplined"),
    ("bị cách chức", "disciplined"), ("bị khai trừ", "disciplined"),
    ("vi phạm đến mức phải thi hành kỷ luật", "disciplined"), ("vi phạm đến mức phải xử lý kỷ luật", "disciplined"),
    ("được trao tặng", "badge"), ("được tặng", "badge"), ("được trao", "badge"), ("được nhận", "badge"),
    ("được truy tặng", "badge"), ("nhận huy hiệu", "badge"), ("vinh dự được", "badge"),
    ("được kiểm tra", "inspected"), ("được giám sát", "inspected"), ("bị kiểm tra", "inspected"),
    ("có vi phạm", "violating"), ("đều có vi phạm", "violating"), ("vi phạm", "violating"),
    # A suspicion is no finding: `phát hiện 2 đảng viên có dấu hiệu vi phạm` counts nothing of the vocabulary.
    ("có dấu hiệu vi phạm", "suspected"),
)  # fmt: skip
# The forms of party discipline: the category of a disciplined count.
DISCIPLINE_FORMS = ("khiển trách", "cảnh cáo", "cách chức", "khai trừ")

# A total is said with these just before the number (`có 52 đảng viên`, `với 5.322 đảng viên`).
TOTAL_CUES = (
    "hiện có", "có", "với", "gồm", "bao gồm", "là", "tổng số", "tổng cộng", "còn", "sinh hoạt tại", "sinh hoạt ở",
    "đại diện cho", "thay mặt cho", "đối với", "giảm còn", "tăng lên", "lên", "lên tới", "lên đến", "lên con số", "đạt", "trong đó có", "trong đó", "trong số đó",
    "thuộc", "của",
)  # fmt: skip
# `nâng tổng số (đảng viên) ... lên N`: a new total, whatever verb came before.
RAISE_TOTAL = ("nâng tổng số", "nâng số lượng", "nâng số", "đưa tổng số", "đưa số")
# A percent after these restates the figure before it as a share (`…, chiếm 28,6%`).
SHARE_CUES = ("chiếm tỷ lệ", "chiếm", "đạt tỷ lệ", "đạt", "tỷ lệ", "bằng", "tương đương", "bằng tỷ lệ", "=", "là")

# --- breakdowns ------------------------------------------------------------------------------------

# After these, numbers of the same kind as the whole before them are its parts.
BREAKDOWN_CUES = ("trong đó có", "trong đó", "trong số đó", "trong số này", "trong số", "gồm có", "bao gồm", "gồm",
                  "cụ thể", "riêng", "về cơ cấu", "về hình thức", "số còn lại")  # fmt: skip
# Words that describe members (a part's category when they follow the noun or stand for it).
MEMBER_ATTRIBUTES = (
    "nữ", "dự bị", "chính thức", "dân tộc thiểu số", "người dân tộc thiểu số", "dân tộc", "có đạo", "theo đạo",
    "tôn giáo", "đoàn viên", "học sinh", "sinh viên", "cựu chiến binh", "trẻ", "trong độ tuổi", "độ tuổi",
    "công nhân", "chủ doanh nghiệp", "doanh nhân", "cán bộ", "công chức", "viên chức", "giáo viên", "trưởng thôn",
    "trưởng bản", "đang làm việc", "làm việc", "ở khu vực", "khu vực", "là",
)  # fmt: skip
# Kinds of cell written after `chi bộ` (their words up to the next list mark are the category).
CELL_KINDS = (
    "trực thuộc đảng ủy cơ sở", "trực thuộc đảng bộ cơ sở", "thôn", "bản", "làng", "xóm", "ấp", "khu phố",
    "tổ dân phố", "khối phố", "đường phố", "cơ quan", "trường học", "trường", "trạm y tế", "quân sự", "công an",
    "doanh nghiệp", "nông thôn", "giáo dục", "y tế", "biên phòng", "ghép", "độc lập", "sinh viên", "hưu trí",
)  # fmt: skip

# --- organizations -----------------------------------------------------------------------------------

# Level words of a named unit, and the committees that speak for one.
LEVELS = ("huyện", "xã", "phường", "thị trấn", "thành phố", "tp.", "tp", "t.p", "thị xã", "tx.", "tx", "t.x",
          "tỉnh", "quận", "khu phố", "thôn", "bản", "tổ dân phố", "làng", "xóm", "khối", "trường", "ấp")  # fmt: skip
COMMITTEES = ("huyện ủy", "thành ủy", "thị ủy", "tỉnh ủy", "quận ủy")
BODIES = ("đảng bộ", "chi bộ", "đảng ủy")
# Organs whose figures are their committee's: `UBKT Huyện ủy X` speaks for `Huyện ủy X`.
ORGANS = ("ban thường vụ", "thường trực", "ban tổ chức", "ủy ban kiểm tra", "ubkt", "btv", "ban chấp hành",
          "bch", "ban tuyên giáo", "văn phòng")  # fmt: skip
# Level phrases that are the organization when no unit is named (`toàn tỉnh kết nạp 3.612 ...`).
SCOPES = ("toàn tỉnh", "toàn huyện", "toàn thành phố", "toàn thị xã", "toàn quận", "toàn xã", "toàn phường",
          "toàn thị trấn", "toàn khối")  # fmt: skip
# Classes of bodies, not one organization (`cấp ủy các cấp`): they name no unit.
BODY_CLASSES = ("cấp ủy các cấp", "ủy ban kiểm tra các cấp", "ubkt các cấp", "cấp ủy, ubkt các cấp",
                "cấp ủy và ubkt các cấp", "cấp ủy, ủy ban kiểm tra các cấp")  # fmt: skip
# Acting bodies in a breakdown by who acted (settled case 4): the category.
ACTORS = ("ban thường vụ huyện ủy", "ban thường vụ tỉnh ủy", "ban thường vụ thành ủy", "ban thường vụ thị ủy",
          "ban thường vụ đảng ủy khối", "ban thường vụ", "đảng ủy cơ sở", "cấp ủy cơ sở", "chi bộ", "cấp tỉnh",
          "cấp huyện", "cấp cơ sở", "ủy ban kiểm tra", "ubkt")  # fmt: skip

# --- kind and qualifier ------------------------------------------------------------------------------

# A goal, not a result, when one of these governs the number's clause.
TARGET_CUES = ("phấn đấu", "chỉ tiêu", "mục tiêu", "kế hoạch đề ra", "đề ra", "dự kiến", "phải đạt", "hướng tới",
               "kế hoạch năm", "kế hoạch")  # fmt: skip
QUALIFIERS = (
    ("khoảng chừng", "about"), ("khoảng", "about"), ("xấp xỉ", "about"), ("chừng", "about"), ("ước tính", "about"),
    ("dự ước", "about"), ("ước", "about"), ("gần như", "about"), ("hơn", "over"), ("trên", "over"),
    ("ngoài", "over"), ("tối thiểu", "over"), ("ít nhất", "over"), ("gần", "under"), ("dưới", "under"),
    ("chưa đến", "under"), ("chưa tới", "under"), ("chỉ còn dưới", "under"), ("không đến", "under"),
)  # fmt: skip

# A verb after these words names a trade or a task, not an act: `nghiệp vụ kiểm tra`, `công tác giám sát`.
VERB_AS_NOUN_AFTER = ("nghiệp vụ", "công tác", "ngành", "cán bộ", "kỹ năng")

# Typos of the trade words read as the words they miss (spec settled case 9); each the same length as
# its fix, so that offsets hold.
TYPOS = (("nhiệm vu", "nhiệm vụ"), ("hòan thành", "hoàn thành"), ("đang viên", "đảng viên"))

# --- numbers that are not figures --------------------------------------------------------------------

# Right after a percent: a share of a plan or a comparison, not a figure.
PLAN_AFTER = ("kế hoạch", "chỉ tiêu", "dự toán", "kh", "nghị quyết", "nq", "so với cùng kỳ", "cùng kỳ",
              "mục tiêu", "so với kế hoạch", "so với chỉ tiêu", "so với nghị quyết", "so với mục tiêu")  # fmt: skip
# Before the number in its clause: what makes it a difference, an average, a quota or a proposal.
NOT_A_FIGURE_BEFORE = (
    "bình quân", "trung bình", "mỗi năm", "mỗi chi bộ", "mỗi xã",
    "mỗi đảng bộ", "mỗi tổ chức", "đề nghị", "đề xuất", "tham mưu", "xét đề nghị", "thẩm định", "thành lập",
    "giải thể", "sáp nhập", "hợp nhất", "tiếp nhận", "chuyển giao", "chuyển sinh hoạt", "chuyển đảng chính thức",
    "công nhận đảng viên chính thức", "công nhận chính thức", "xóa tên", "đưa ra khỏi đảng", "đình chỉ", "phát thẻ", "cấp thẻ", "mở", "bồi dưỡng", "cử",
    "giới thiệu", "đại biểu", "dự", "tham dự", "vượt", "vượt chỉ tiêu", "vượt kế hoạch", "lớp", "thẩm tra",
    "ban chấp hành gồm", "bầu", "tái đắc cử",
)  # fmt: skip
# After the noun: what makes it not a figure of the vocabulary.
NOT_A_FIGURE_AFTER = (
    "được đánh giá", "được kiểm điểm", "dự đánh giá", "thuộc diện miễn", "miễn đánh giá", "được miễn đánh giá",
    "được miễn kiểm điểm",
    "chưa đánh giá", "đều kết nạp", "đều phát triển", "đều tổ chức", "đã tổ chức đại hội", "tổ chức đại hội", "hoàn thành đại hội", "tham gia", "tham dự",
    "được chọn", "có nguồn", "so với năm", "so với cùng kỳ", "so với", "bị xóa tên", "xóa tên", "được cho ra khỏi đảng",
    "ra khỏi đảng", "được đưa ra khỏi đảng", "chuyển sinh hoạt", "xin vắng", "vắng", "có mặt", "dự họp", "dự lễ", "dự",
    "được giới thiệu", "đăng ký",
)  # fmt: skip
