from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class VerifyUploadForm(FlaskForm):
    file = FileField("意见书 PDF 文件", validators=[FileRequired("请选择要核验的 PDF 文件")])
