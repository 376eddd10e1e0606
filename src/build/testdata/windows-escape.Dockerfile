# escape=`
# a comment after the directives

FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]

ENV APP_HOME=C:\app `
    LOG_DIR=C:\logs

RUN New-Item -ItemType Directory -Path C:\app ; `
    New-Item -ItemType Directory -Path C:\logs

WORKDIR C:\app
COPY app\ C:\app\
VOLUME C:\logs
CMD ["powershell", "-File", "C:\\app\\start.ps1"]
