from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class SealUploadForm(FlaskForm):
    file = FileField("印章图片（PNG，红色，透明背景）", validators=[FileRequired("请选择印章图片")])
