"""The site's sections, as named in its main menu and URL scheme."""

DEFAULT_SECTIONS = ("xay-dung-dang",)

KNOWN_SECTIONS = {
    "xay-dung-dang": "Xây dựng Đảng",
    "chinh-tri": "Chính trị",
    "thoi-su": "Thời sự",
    "kinh-te": "Kinh tế",
    "xa-hoi": "Xã hội",
    "phap-luat": "Pháp luật",
    "dia-phuong": "Địa phương",
    "van-hoa": "Văn hóa",
    "giao-duc": "Giáo dục",
    "quoc-phong-an-ninh": "Quốc phòng - An ninh",
}
