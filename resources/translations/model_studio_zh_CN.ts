<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompatTab</name>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="68"/>
        <source>Step 3: see which phone runtimes can run each artifact. Green runs, orange runs partly on the CPU instead of the accelerator, red will not load or run.</source>
        <translation>第 3 步：查看哪些手机运行时可以运行每个产物。绿色表示可以运行，橙色表示部分在 CPU 而非加速器上运行，红色表示无法加载或运行。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="74"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="77"/>
        <source>Ask connected devices for their runtimes</source>
        <translation>向已连接设备查询其运行时</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="81"/>
        <source>Export HTML…</source>
        <translation>导出 HTML…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="84"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="94"/>
        <source>Verdicts: artifacts × runtimes</source>
        <translation>结论：产物 × 运行时</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="103"/>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="107"/>
        <source>filter operators, e.g. conv</source>
        <translation>筛选算子，例如 conv</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="110"/>
        <source>problems only</source>
        <translation>仅显示问题</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="119"/>
        <source>What it means and what to do</source>
        <translation>含义与建议</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="124"/>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="357"/>
        <source>Apply the fix</source>
        <translation>应用修复</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="137"/>
        <source>Next: put it on a phone →</source>
        <translation>下一步：放到手机上 →</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="192"/>
        <source>The check failed</source>
        <translation>检查失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="208"/>
        <source>Artifact</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="221"/>
        <source>not checked: this runtime reads other files</source>
        <translation>未检查：此运行时读取其他类型的文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="261"/>
        <source>Operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="261"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="306"/>
        <source>Convert a model to see here whether phones can run it.</source>
        <translation>转换模型后，可在此查看手机能否运行它。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="319"/>
        <source>What to do</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="327"/>
        <source>bytecode version %1</source>
        <translation>字节码版本 %1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="332"/>
        <source>delegates: %1</source>
        <translation>委托后端：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="355"/>
        <source>Apply the fix: %1</source>
        <translation>应用修复：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="359"/>
        <source>No fix for this cell</source>
        <translation>此项没有可用的修复</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="377"/>
        <source>Wrote %1, verified (largest difference %2).</source>
        <translation>已写入 %1 并通过验证（最大差异 %2）。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="398"/>
        <source>The fix did not work</source>
        <translation>修复未成功</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="405"/>
        <source>Asking the agent on each device for its runtimes…</source>
        <translation>正在向每台设备上的代理查询运行时…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="409"/>
        <source>The device did not answer</source>
        <translation>设备没有响应</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="419"/>
        <source>%1 runtimes reported by devices are checked alongside the built-in ones.</source>
        <translation>设备报告的 %1 个运行时已与内置运行时一起检查。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="432"/>
        <source>Export the report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="453"/>
        <source>Report written to %1</source>
        <translation>报告已写入 %1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/compat_tab.py" line="457"/>
        <source>The report could not be written</source>
        <translation>无法写入报告</translation>
    </message>
</context>
<context>
    <name>ConvertTab</name>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="84"/>
        <source>Targets</source>
        <translation>目标格式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="95"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="99"/>
        <source>Capture:</source>
        <translation>捕获方式：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="101"/>
        <source>none (float32)</source>
        <translation>不量化（float32）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="102"/>
        <source>fp16</source>
        <translation>fp16</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="103"/>
        <source>dynamic int8</source>
        <translation>动态 int8</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="104"/>
        <source>static int8 (calibrated)</source>
        <translation>静态 int8（需校准）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="106"/>
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="110"/>
        <source>a folder of representative images or tensors</source>
        <translation>包含代表性图像或张量的文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="114"/>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="170"/>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="178"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="119"/>
        <source>Calibration:</source>
        <translation>校准数据：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="121"/>
        <source>no data: calibrate on random inputs (low fidelity)</source>
        <translation>没有数据：用随机输入校准（精度较低）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="129"/>
        <source>Calibration samples:</source>
        <translation>校准样本数：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="132"/>
        <source>Per-target options</source>
        <translation>各目标选项</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="138"/>
        <source>ONNX opset:</source>
        <translation>ONNX opset：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="139"/>
        <source>dynamic batch size</source>
        <translation>动态批大小</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="144"/>
        <source>newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="147"/>
        <source>Lite bytecode version:</source>
        <translation>Lite 字节码版本：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="148"/>
        <source>optimize for mobile (when this PyTorch can)</source>
        <translation>为移动端优化（当前 PyTorch 支持时）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="154"/>
        <source>ExecuTorch backend:</source>
        <translation>ExecuTorch 后端：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="157"/>
        <source>Verification and output</source>
        <translation>验证与输出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="159"/>
        <source>compare every artifact with the original model</source>
        <translation>将每个产物与原始模型比较</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="166"/>
        <source>optional: one sub-folder of images per class</source>
        <translation>可选：每个类别一个图像子文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="173"/>
        <source>Accuracy set:</source>
        <translation>准确率数据集：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="181"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="190"/>
        <source>Load recipe…</source>
        <translation>加载配方…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="193"/>
        <source>Save recipe…</source>
        <translation>保存配方…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="197"/>
        <source>Convert</source>
        <translation>转换</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="212"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="218"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="223"/>
        <source>Artifact</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="224"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="225"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="226"/>
        <source>Latency here</source>
        <translation>本机延迟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="227"/>
        <source>Runtime</source>
        <translation>运行时</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="240"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="245"/>
        <source>Next: check compatibility →</source>
        <translation>下一步：检查兼容性 →</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="264"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="401"/>
        <source>Open a model on the Model tab first.</source>
        <translation>请先在“模型”页打开一个模型。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="411"/>
        <source>Load a recipe</source>
        <translation>加载配方</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="419"/>
        <source>Save the recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="428"/>
        <source>The recipe could not be loaded</source>
        <translation>无法加载配方</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="449"/>
        <source>The recipe could not be saved</source>
        <translation>无法保存配方</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="452"/>
        <source>Recipe saved to %1</source>
        <translation>配方已保存到 %1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="462"/>
        <source>The recipe cannot be converted</source>
        <translation>无法按此配方转换</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="480"/>
        <source>Converting… you can keep working in the other tabs.</source>
        <translation>正在转换… 你可以继续在其他页面工作。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="488"/>
        <source>Done: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="494"/>
        <source>Cancelled. Nothing was left half-written.</source>
        <translation>已取消。没有留下写了一半的文件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="495"/>
        <source>The conversion was cancelled.</source>
        <translation>转换已取消。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="497"/>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="499"/>
        <source>The conversion failed: %1</source>
        <translation>转换失败：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="501"/>
        <source>The conversion failed</source>
        <translation>转换失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="533"/>
        <source>Open a model that runs here on the Model tab first.</source>
        <translation>请先在“模型”页打开一个可在本机运行的模型。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="537"/>
        <source>Step 2: choose the file formats your app needs and press Convert. ExecuTorch (.pte) is the current runtime; PyTorch Lite (.ptl) is for older apps.</source>
        <translation>第 2 步：选择应用需要的文件格式，然后点击“转换”。ExecuTorch（.pte）是当前的运行时；PyTorch Lite（.ptl）用于较旧的应用。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="543"/>
        <source>Converted. Next: check which phone runtimes can run the artifacts.</source>
        <translation>已转换。下一步：检查哪些手机运行时可以运行这些产物。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="575"/>
        <source>cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="576"/>
        <source>largest difference</source>
        <translation>最大差异</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="577"/>
        <source>same top class</source>
        <translation>最高类别一致</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="578"/>
        <source>accuracy before</source>
        <translation>转换前准确率</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="579"/>
        <source>accuracy after</source>
        <translation>转换后准确率</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="580"/>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="581"/>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="589"/>
        <source>reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="590"/>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/convert_tab.py" line="591"/>
        <source>capture</source>
        <translation>捕获方式</translation>
    </message>
</context>
<context>
    <name>DevicesTab</name>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="102"/>
        <source>Step 4: connect a phone with USB debugging on, or over Wi-Fi, or start a virtual phone on this computer. Then push the artifacts to it.</source>
        <translation>第 4 步：通过 USB（开启 USB 调试）或 Wi-Fi 连接手机，或在本机启动一台虚拟手机。然后把产物推送过去。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="111"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="115"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="115"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="115"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="115"/>
        <source>adb server</source>
        <translation>adb 服务器</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="129"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="130"/>
        <source>Look for devices again (F5)</source>
        <translation>重新查找设备（F5）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="135"/>
        <source>Stop virtual device</source>
        <translation>停止虚拟设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="142"/>
        <source>Add a device</source>
        <translation>添加设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="146"/>
        <source>phone address, e.g. 192.168.1.20:5555</source>
        <translation>手机地址，例如 192.168.1.20:5555</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="148"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="151"/>
        <source>Wi-Fi:</source>
        <translation>Wi-Fi：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="154"/>
        <source>a device lab&apos;s adb server, HOST:PORT</source>
        <translation>设备实验室的 adb 服务器，主机:端口</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="156"/>
        <source>Add server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="159"/>
        <source>Remote adb:</source>
        <translation>远程 adb：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="164"/>
        <source>Start virtual device</source>
        <translation>启动虚拟设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="167"/>
        <source>No phone?</source>
        <translation>没有手机？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="174"/>
        <source>Push artifacts to the selected device</source>
        <translation>将产物推送到所选设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="178"/>
        <source>Push</source>
        <translation>推送</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="190"/>
        <source>Next: measure latency →</source>
        <translation>下一步：测量延迟 →</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="293"/>
        <source> (virtual)</source>
        <translation>（虚拟）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="307"/>
        <source>No device found. Plug in a phone with USB debugging on (Settings → Developer options), connect one over Wi-Fi, or start a virtual device.</source>
        <translation>未找到设备。请插入已开启 USB 调试的手机（设置 → 开发者选项），或通过 Wi-Fi 连接，或启动一台虚拟设备。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="329"/>
        <source>Select a device to see what it is.</source>
        <translation>选择一台设备以查看其信息。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="332"/>
        <source>This device cannot be used yet — %1</source>
        <translation>此设备暂时无法使用 —— %1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="348"/>
        <source>Type the phone&apos;s address first</source>
        <translation>请先输入手机地址</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="349"/>
        <source>It is shown under Wireless debugging on the phone.</source>
        <translation>地址显示在手机的“无线调试”中。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="359"/>
        <source>The phone could not be connected</source>
        <translation>无法连接手机</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="368"/>
        <source>Type the adb server&apos;s address first</source>
        <translation>请先输入 adb 服务器地址</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="369"/>
        <source>For example lab-pc.local:5037</source>
        <translation>例如 lab-pc.local:5037</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="380"/>
        <source>Not an adb server address</source>
        <translation>不是有效的 adb 服务器地址</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="393"/>
        <source>Starting a virtual %1…</source>
        <translation>正在启动虚拟 %1…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="397"/>
        <source>The virtual device did not start</source>
        <translation>虚拟设备未能启动</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="405"/>
        <source>A virtual phone runs as %1. Push an artifact to it, then measure latency.</source>
        <translation>虚拟手机已运行，序列号 %1。向它推送产物，然后测量延迟。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="457"/>
        <source>Select a connected device first</source>
        <translation>请先选择一台已连接的设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="460"/>
        <source>Tick at least one artifact to push</source>
        <translation>请至少勾选一个要推送的产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="477"/>
        <source>Pushed and verified.</source>
        <translation>已推送并验证。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="479"/>
        <source>✔ %1 → %2 (SHA-256 %3… matches, %4 MB/s)</source>
        <translation>✔ %1 → %2（SHA-256 %3… 一致，%4 MB/s）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="490"/>
        <source>Cancelled; nothing half-copied was left on the phone.</source>
        <translation>已取消；手机上没有留下复制了一半的文件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="492"/>
        <source>The push failed.</source>
        <translation>推送失败。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/devices_tab.py" line="493"/>
        <source>The push failed</source>
        <translation>推送失败</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../studio/ui/widgets/errors.py" line="35"/>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/errors.py" line="46"/>
        <source>Unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/errors.py" line="66"/>
        <source>Log file: %1</source>
        <translation>日志文件：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/errors.py" line="76"/>
        <location filename="../../studio/ui/widgets/errors.py" line="86"/>
        <source>Show details</source>
        <translation>显示详情</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/errors.py" line="86"/>
        <source>Hide details</source>
        <translation>隐藏详情</translation>
    </message>
</context>
<context>
    <name>LatencyTab</name>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="112"/>
        <source>Step 5: choose devices and artifacts, then Start. Several runs overlay in the CDF, so fp32 against int8 or one phone against another is one glance.</source>
        <translation>第 5 步：选择设备和产物，然后点击“开始”。多次运行会叠加在 CDF 图中，fp32 与 int8、或两台手机之间的对比一目了然。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="122"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="128"/>
        <source>Artifacts</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="135"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="140"/>
        <source>auto (by file type)</source>
        <translation>自动（按文件类型）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="141"/>
        <source>Runtime:</source>
        <translation>运行时：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="144"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="145"/>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="149"/>
        <source>Warm-up runs:</source>
        <translation>预热次数：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="150"/>
        <source>Iterations:</source>
        <translation>迭代次数：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="151"/>
        <source>Duration (s):</source>
        <translation>时长（秒）：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="165"/>
        <source>e.g. p90=30ms, mean=10ms</source>
        <translation>例如 p90=30ms, mean=10ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="166"/>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="185"/>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="170"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="173"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="177"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="197"/>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="199"/>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="201"/>
        <source>JSON…</source>
        <translation>JSON…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="203"/>
        <source>Export:</source>
        <translation>导出：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="222"/>
        <source>Latency per inference</source>
        <translation>每次推理的延迟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="224"/>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="231"/>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="234"/>
        <source>latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="225"/>
        <source>inference</source>
        <translation>推理序号</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="230"/>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="232"/>
        <source>count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="233"/>
        <source>CDF (all runs)</source>
        <translation>CDF（所有运行）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="235"/>
        <source>fraction</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="245"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="245"/>
        <source>Runtime</source>
        <translation>运行时</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="245"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="247"/>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="248"/>
        <source>mean ms</source>
        <translation>平均 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="249"/>
        <source>p50 ms</source>
        <translation>p50 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="250"/>
        <source>p90 ms</source>
        <translation>p90 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="251"/>
        <source>p99 ms</source>
        <translation>p99 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="252"/>
        <source>min ms</source>
        <translation>最小 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="253"/>
        <source>max ms</source>
        <translation>最大 ms</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="254"/>
        <source>per second</source>
        <translation>每秒</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="256"/>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="293"/>
        <source> (virtual)</source>
        <translation>（虚拟）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="366"/>
        <source>Tick at least one device</source>
        <translation>请至少勾选一台设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="367"/>
        <source>Connect or start one on the Devices tab.</source>
        <translation>请在“设备”页连接或启动一台设备。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="370"/>
        <source>Tick at least one artifact</source>
        <translation>请至少勾选一个产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="373"/>
        <source>The benchmark cannot start</source>
        <translation>无法开始测试</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="382"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="431"/>
        <source>The benchmark on %1 failed</source>
        <translation>%1 上的测试失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="525"/>
        <source>Histogram: %1</source>
        <translation>直方图：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="586"/>
        <source>memory %1 MB</source>
        <translation>内存 %1 MB</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="588"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="588"/>
        <source>battery</source>
        <translation>电池</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="598"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="611"/>
        <source>The picture could not be written to %1</source>
        <translation>无法将图片写入 %1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="618"/>
        <source>No finished run to export yet</source>
        <translation>还没有可导出的已完成运行</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="623"/>
        <source>The export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/latency_tab.py" line="625"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../studio/ui/main_window.py" line="57"/>
        <source>Model Studio</source>
        <translation>Model Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="77"/>
        <source>1 · Model</source>
        <translation>1 · 模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="78"/>
        <source>2 · Convert</source>
        <translation>2 · 转换</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="79"/>
        <source>3 · Compatibility</source>
        <translation>3 · 兼容性</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="80"/>
        <source>4 · Devices</source>
        <translation>4 · 设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="81"/>
        <source>5 · Latency</source>
        <translation>5 · 延迟</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="86"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="133"/>
        <source>&lt;b&gt;Welcome to Model Studio.&lt;/b&gt; New here? Try the whole flow with the bundled sample model (it reads handwritten digits) and a virtual phone on this computer.</source>
        <translation>&lt;b&gt;欢迎使用 Model Studio。&lt;/b&gt;第一次使用？用自带的示例模型（识别手写数字）和本机上的虚拟手机体验完整流程。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="139"/>
        <source>Try it with the sample</source>
        <translation>用示例体验</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="142"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="149"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="150"/>
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="154"/>
        <source>Open the &amp;sample model</source>
        <translation>打开示例模型(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="157"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="160"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="165"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="172"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="182"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="183"/>
        <source>&amp;About Model Studio</source>
        <translation>关于 Model Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="271"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="286"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="287"/>
        <source>The language changes when Model Studio starts next time.</source>
        <translation>语言将在下次启动 Model Studio 时生效。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="295"/>
        <source>About Model Studio</source>
        <translation>关于 Model Studio</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="296"/>
        <source>&lt;b&gt;Model Studio %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;Model Studio %1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="297"/>
        <source>Asking the worker for the toolchain versions…</source>
        <translation>正在向工作进程查询工具链版本…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="322"/>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="324"/>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="330"/>
        <source>Artifacts: %1</source>
        <translation>产物：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="333"/>
        <source>No artifacts</source>
        <translation>无产物</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="336"/>
        <source>Devices: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="338"/>
        <source>No device</source>
        <translation>无设备</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="344"/>
        <source>Open a model that runs here first (Model tab).</source>
        <translation>请先打开一个可在本机运行的模型（“模型”页）。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="345"/>
        <source>Convert the model first (Convert tab).</source>
        <translation>请先转换模型（“转换”页）。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/main_window.py" line="346"/>
        <source>Needs an artifact and a connected device.</source>
        <translation>需要一个产物和一台已连接的设备。</translation>
    </message>
</context>
<context>
    <name>ModelTab</name>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="64"/>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="70"/>
        <source>A checkpoint, state dict, safetensors, TorchScript, .pt2, ONNX, .pte or .ptl file</source>
        <translation>检查点、state dict、safetensors、TorchScript、.pt2、ONNX、.pte 或 .ptl 文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="75"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="78"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="82"/>
        <source>Open the sample model</source>
        <translation>打开示例模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="91"/>
        <source>detected when empty; e.g. resnet18, or package.module:factory, or file.py:Class</source>
        <translation>留空则自动检测；例如 resnet18、package.module:factory 或 file.py:Class</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="94"/>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="97"/>
        <source>positional, JSON list: [10]</source>
        <translation>位置参数，JSON 列表：[10]</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="99"/>
        <source>keyword, JSON object: {&quot;num_classes&quot;: 10}</source>
        <translation>关键字参数，JSON 对象：{&quot;num_classes&quot;: 10}</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="102"/>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="104"/>
        <source>from the model when empty; e.g. 1,3,224,224</source>
        <translation>留空则取自模型；例如 1,3,224,224</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="105"/>
        <source>Input shape:</source>
        <translation>输入形状：</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="116"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="521"/>
        <source>Which architecture is it?</source>
        <translation>这是哪种架构？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="120"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="524"/>
        <source>This file holds weights only. These architectures fit them best; pick one and press Use, or type a factory spec above.</source>
        <translation>此文件只包含权重。以下架构与之最匹配；选择一个并点击“使用”，或在上方输入工厂函数。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="127"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="153"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="127"/>
        <source>Score</source>
        <translation>匹配度</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="127"/>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="133"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="377"/>
        <source>Show the candidates</source>
        <translation>显示候选架构</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="138"/>
        <source>Use this architecture</source>
        <translation>使用此架构</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="147"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="152"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="154"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="173"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="506"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="155"/>
        <source>Size on disk</source>
        <translation>磁盘大小</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="156"/>
        <source>Size in memory</source>
        <translation>内存大小</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="157"/>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="158"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="159"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="160"/>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="173"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="506"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="173"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="506"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="175"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="500"/>
        <source>Layer type</source>
        <translation>层类型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="175"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="500"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="180"/>
        <source>Try it</source>
        <translation>试一试</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="182"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="556"/>
        <source>Pick an image to see what the model makes of it.</source>
        <translation>选择一张图片，看看模型如何识别它。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="187"/>
        <source>an image file</source>
        <translation>图片文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="190"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="193"/>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="201"/>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="201"/>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="211"/>
        <source>Next: convert it →</source>
        <translation>下一步：转换 →</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="219"/>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="243"/>
        <source>No model file is chosen</source>
        <translation>尚未选择模型文件</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="244"/>
        <source>Browse for a file, or open the sample model.</source>
        <translation>请浏览选择文件，或打开示例模型。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="262"/>
        <source>a JSON list</source>
        <translation>JSON 列表</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="262"/>
        <source>a JSON object</source>
        <translation>JSON 对象</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="265"/>
        <source>The architecture arguments are not %1</source>
        <translation>架构参数不是%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="268"/>
        <source>Write them like [10] or {&quot;num_classes&quot;: 10}.</source>
        <translation>请写成 [10] 或 {&quot;num_classes&quot;: 10} 的形式。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="307"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="334"/>
        <source>The model could not be opened</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="339"/>
        <source>Run code from this file?</source>
        <translation>运行此文件中的代码？</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="341"/>
        <source>Opening %1 runs Python code stored in it.</source>
        <translation>打开 %1 会运行其中保存的 Python 代码。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="347"/>
        <source>Pickled models and .py architecture files can do anything a program on this computer can: read your files, install software, send data away. Open it only if it comes from someone you trust, such as your own team.

Safer: ask for a state dict or .safetensors file, which holds numbers only.</source>
        <translation>pickle 模型和 .py 架构文件可以做本机任何程序能做的事：读取你的文件、安装软件、向外发送数据。仅当它来自你信任的人（例如你自己的团队）时才打开。

更安全的做法：索取只包含数值的 state dict 或 .safetensors 文件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="355"/>
        <source>I trust it, open it</source>
        <translation>我信任它，打开</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="365"/>
        <source>Not opened: you did not confirm that you trust the file.</source>
        <translation>未打开：你没有确认信任此文件。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="377"/>
        <source>Hide the candidates</source>
        <translation>隐藏候选架构</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="396"/>
        <source>Choose an image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="405"/>
        <source>Open a runnable model first</source>
        <translation>请先打开一个可运行的模型</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="408"/>
        <source>Choose an image first</source>
        <translation>请先选择图片</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="438"/>
        <source>Try it failed</source>
        <translation>试用失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="450"/>
        <source>Step 1: open a model — a checkpoint from training, a state dict, or a converted file. No model at hand? Open the sample model.</source>
        <translation>第 1 步：打开一个模型 —— 训练得到的检查点、state dict 或已转换的文件。手头没有模型？打开示例模型。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="465"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="468"/>
        <location filename="../../studio/ui/tabs/model_tab.py" line="473"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="485"/>
        <source>1000 ImageNet classes</source>
        <translation>1000 个 ImageNet 类别</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="500"/>
        <source>Operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="529"/>
        <source>Detected architecture</source>
        <translation>检测到的架构</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="533"/>
        <source>The weights fit %1 best (%2). To open the file as another architecture, show the candidates, pick one and press Use.</source>
        <translation>这些权重与 %1 最匹配（%2）。如需按其他架构打开此文件，请显示候选架构，选择一个并点击“使用”。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="552"/>
        <source>%1 is open. Next: convert it for a phone on the Convert tab.</source>
        <translation>已打开 %1。下一步：在“转换”页将其转换为手机可用的格式。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="559"/>
        <source>%1 holds weights only: choose its architecture below.</source>
        <translation>%1 只包含权重：请在下方选择其架构。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="564"/>
        <source>%1 is described below. It is already converted: check it on the Compatibility tab, or push it from the Devices tab.</source>
        <translation>%1 的描述见下方。它已是转换后的文件：可在“兼容性”页检查，或在“设备”页推送。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/tabs/model_tab.py" line="569"/>
        <source>Try it needs a model that runs here (not a converted file).</source>
        <translation>“试一试”需要可在本机运行的模型（而非转换后的文件）。</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../studio/ui/widgets/progress.py" line="45"/>
        <location filename="../../studio/ui/widgets/progress.py" line="57"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/progress.py" line="58"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/progress.py" line="111"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>WorkerClient</name>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="143"/>
        <source>The worker process could not be started: %1</source>
        <translation>无法启动工作进程：%1</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="156"/>
        <source>The model work ended unexpectedly (exit code %1) and was restarted.</source>
        <translation>模型处理意外结束（退出代码 %1），已重新启动。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="157"/>
        <source>A native library may have crashed on this model.</source>
        <translation>某个原生库可能在处理此模型时崩溃了。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="161"/>
        <source>The worker process cannot start; model work is unavailable.</source>
        <translation>工作进程无法启动；模型相关功能不可用。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="198"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="219"/>
        <source>The model work stopped responding and was restarted.</source>
        <translation>模型处理停止响应，已重新启动。</translation>
    </message>
    <message>
        <location filename="../../studio/ui/worker_client.py" line="221"/>
        <source>The job that was running was stopped. Try it again; if it hangs again, try another target or capture method.</source>
        <translation>正在运行的任务已停止。请重试；如果再次卡住，请尝试其他目标格式或捕获方式。</translation>
    </message>
</context>
<context>
    <name>badges</name>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="25"/>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="26"/>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="27"/>
        <source>fail</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="28"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="29"/>
        <source>fallback</source>
        <translation>回退</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="30"/>
        <source>supported</source>
        <translation>支持</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="31"/>
        <source>delegated</source>
        <translation>已委托</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="32"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../studio/ui/widgets/badges.py" line="33"/>
        <source>unverified</source>
        <translation>未验证</translation>
    </message>
</context>
</TS>
