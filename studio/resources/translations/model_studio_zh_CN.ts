<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompatTab</name>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="93"/>
        <source>Step 3: see which phone runtimes can run each artifact. Green runs, orange runs partly on the CPU instead of the accelerator, red will not load or run.</source>
        <translation>第 3 步：查看哪些手机运行时可以运行每个产物。绿色表示可以运行，橙色表示部分在 CPU 而非加速器上运行，红色表示无法加载或运行。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="99"/>
        <source>Check again</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="102"/>
        <source>Ask connected devices for their runtimes</source>
        <translation>向已连接设备查询其运行时</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="106"/>
        <source>Export HTML…</source>
        <translation>导出 HTML…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="109"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="119"/>
        <source>Verdicts: artifacts × runtimes</source>
        <translation>结论：产物 × 运行时</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="129"/>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="133"/>
        <source>filter operators, e.g. conv</source>
        <translation>筛选算子，例如 conv</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="136"/>
        <source>problems only</source>
        <translation>仅显示问题</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="145"/>
        <source>What it means and what to do</source>
        <translation>含义与建议</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="150"/>
        <location filename="../../ui/tabs/compat_tab.py" line="428"/>
        <source>Apply the fix</source>
        <translation>应用修复</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="163"/>
        <source>Next: put it on a phone →</source>
        <translation>下一步：放到手机上 →</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="231"/>
        <source>The check failed</source>
        <translation>检查失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="247"/>
        <source>Artifact</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="266"/>
        <source>not checked: this runtime reads other files</source>
        <translation>未检查：此运行时读取其他类型的文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="317"/>
        <source>Operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="317"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="362"/>
        <source>Convert a model to see here whether phones can run it.</source>
        <translation>转换模型后，可在此查看手机能否运行它。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="381"/>
        <source>Press “%1” below.</source>
        <translation>点击下方的“%1”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="386"/>
        <source>What to do</source>
        <translation>建议</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="393"/>
        <source>bytecode version %1</source>
        <translation>字节码版本 %1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="397"/>
        <source>delegates: %1</source>
        <translation>委托后端：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="421"/>
        <source>Writes a new artifact beside this one and verifies it</source>
        <translation>在此产物旁写入一个新产物并验证它</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="429"/>
        <source>Apply the fix: %1</source>
        <translation>应用修复：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="423"/>
        <source>No fix for this cell</source>
        <translation>此项没有可用的修复</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="452"/>
        <source>Wrote %1, verified (largest difference %2).</source>
        <translation>已写入 %1 并通过验证（最大差异 %2）。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="471"/>
        <source>The fix did not work</source>
        <translation>修复未成功</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="478"/>
        <source>Asking the agent on each device for its runtimes…</source>
        <translation>正在向每台设备上的代理查询运行时…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="482"/>
        <source>The device did not answer</source>
        <translation>设备没有响应</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="492"/>
        <source>%1 runtimes reported by devices are checked alongside the built-in ones.</source>
        <translation>设备报告的 %1 个运行时已与内置运行时一起检查。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="505"/>
        <source>Export the report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="521"/>
        <source>Report written to %1</source>
        <translation>报告已写入 %1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/compat_tab.py" line="525"/>
        <source>The report could not be written</source>
        <translation>无法写入报告</translation>
    </message>
</context>
<context>
    <name>ConvertTab</name>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="102"/>
        <source>Targets</source>
        <translation>目标格式</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="112"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="119"/>
        <source>The inputs the model is converted and verified with: each input&apos;s name, shape and data type. Change them in the Inputs table on the Model tab.</source>
        <translation>转换和验证模型所用的输入：每个输入的名称、形状和数据类型。可在“模型”页的“输入”表中修改。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="124"/>
        <source>Change…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="125"/>
        <source>Edit the inputs on the Model tab</source>
        <translation>在“模型”页编辑输入</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="130"/>
        <source>How</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="136"/>
        <source>Capture:</source>
        <translation>捕获方式：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="138"/>
        <source>none (float32)</source>
        <translation>不量化（float32）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="139"/>
        <source>fp16</source>
        <translation>fp16</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="140"/>
        <source>dynamic int8</source>
        <translation>动态 int8</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="141"/>
        <source>static int8 (calibrated)</source>
        <translation>静态 int8（需校准）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="145"/>
        <source>Quantization:</source>
        <translation>量化：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="149"/>
        <source>a folder of representative images or tensors</source>
        <translation>包含代表性图像或张量的文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="153"/>
        <location filename="../../ui/tabs/convert_tab.py" line="209"/>
        <location filename="../../ui/tabs/convert_tab.py" line="227"/>
        <location filename="../../ui/tabs/convert_tab.py" line="235"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="158"/>
        <source>Calibration:</source>
        <translation>校准数据：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="160"/>
        <source>no data: calibrate on random inputs (low fidelity)</source>
        <translation>没有数据：用随机输入校准（精度较低）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="167"/>
        <source>Calibration samples:</source>
        <translation>校准样本数：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="171"/>
        <source>Per-target options</source>
        <translation>各目标选项</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="176"/>
        <source>ONNX opset:</source>
        <translation>ONNX opset：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="177"/>
        <source>dynamic batch size</source>
        <translation>动态批大小</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="182"/>
        <source>newest</source>
        <translation>最新</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="186"/>
        <source>Lite bytecode version:</source>
        <translation>Lite 字节码版本：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="187"/>
        <source>optimize for mobile (when this PyTorch can)</source>
        <translation>为移动端优化（当前 PyTorch 支持时）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="194"/>
        <source>ExecuTorch backend:</source>
        <translation>ExecuTorch 后端：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="197"/>
        <source>Verification and output</source>
        <translation>验证与输出</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="199"/>
        <source>compare every artifact with the original model</source>
        <translation>将每个产物与原始模型比较</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="205"/>
        <source>optional: one sub-folder of images per class</source>
        <translation>可选：每个类别一个图像子文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="212"/>
        <source>Accuracy set:</source>
        <translation>准确率数据集：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="216"/>
        <source>optional: images, tensor files, or an .npz with an array per input</source>
        <translation>可选：图像、张量文件，或每个输入一个数组的 .npz 文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="220"/>
        <source>What the artifacts are compared with the original on. A model with several inputs takes an .npz file holding one array per input, named like the inputs, or one tensor file per input. Empty: the calibration data, else random inputs.</source>
        <translation>用来比较产物与原模型的数据。多输入模型使用一个 .npz 文件，其中每个输入一个数组，数组名与输入名相同；也可每个输入一个张量文件。留空：使用校准数据，没有则使用随机输入。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="230"/>
        <source>Verification data:</source>
        <translation>验证数据：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="238"/>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="247"/>
        <source>Load recipe…</source>
        <translation>加载配方…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="250"/>
        <source>Save recipe…</source>
        <translation>保存配方…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="254"/>
        <source>Convert</source>
        <translation>转换</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="273"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="279"/>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="284"/>
        <source>Artifact</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="285"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="286"/>
        <source>Verdict</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="287"/>
        <source>Latency on this computer</source>
        <translation>本机延迟</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="337"/>
        <source>every layer in int8</source>
        <translation>所有层都用 int8</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="339"/>
        <source>keep the most sensitive in float until verification passes</source>
        <translation>将最敏感的层保留为浮点，直到通过验证</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="345"/>
        <source>Layers in float:</source>
        <translation>保留浮点的层：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="346"/>
        <source>measure how much int8 costs each layer</source>
        <translation>测量 int8 对每一层的影响</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="362"/>
        <source>Choose verification data</source>
        <translation>选择验证数据</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="458"/>
        <source>as the recipe lists: %1</source>
        <translation>按配方所列：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="468"/>
        <source>It costs one trial quantization of the model per layer group, run on this computer before the artifacts are built.</source>
        <translation>代价是每个层组对模型做一次试量化，在生成产物之前于本机运行。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="472"/>
        <source>Some layers lose more accuracy in int8 than others. “Keep the most sensitive in float” measures each layer group, then leaves the worst of them in float, one more at a time, until verification passes: the model grows a little and keeps most of its accuracy.</source>
        <translation>有些层在 int8 下损失的精度比其他层多。“将最敏感的层保留为浮点”会测量每个层组，然后把影响最大的层组逐个保留为浮点，直到通过验证：模型略微变大，但保住大部分精度。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="478"/>
        <source>Shows, after converting, how much each layer group&apos;s int8 changes the model&apos;s output, as a ranked table and a chart under Results.</source>
        <translation>转换后在“结果”下方以排序表格和图表显示每个层组的 int8 对模型输出的改变程度。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="482"/>
        <source>Only with Quantization “static int8 (calibrated)”.</source>
        <translation>仅在量化选择“静态 int8（需校准）”时可用。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="486"/>
        <source>Keeping the most sensitive layers in float measures every layer group anyway.</source>
        <translation>将最敏感的层保留为浮点时，本来就会测量每个层组。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="513"/>
        <source>Fix the inputs on the Model tab: %1</source>
        <translation>请在“模型”页修正输入：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="612"/>
        <source>Cancelled. Left in %1: %2</source>
        <translation>已取消。%1 中留下了：%2</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="615"/>
        <source>Cancelled. Nothing was left behind.</source>
        <translation>已取消。没有留下任何文件。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="715"/>
        <source>Verified on random inputs: choose Verification data (real inputs, an .npz for several inputs), a Calibration folder or an Accuracy set to verify on real data.</source>
        <translation>在随机输入上验证：选择“验证数据”（真实输入，多输入时用 .npz）、校准文件夹或准确率数据集，以在真实数据上验证。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="780"/>
        <source>mean cosine similarity</source>
        <translation>平均余弦相似度</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="785"/>
        <source>SQNR (dB)</source>
        <translation>信噪比 SQNR（dB）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="789"/>
        <source>same top class where the original is sure</source>
        <translation>原模型有把握时最高类别一致</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="804"/>
        <source> (95% interval %1 to %2)</source>
        <translation>（95% 区间 %1 至 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="814"/>
        <source>%1 of the %2 changed top classes are on inputs where the original itself hesitates between two classes; they do not count against it.</source>
        <translation>%2 个改变了最高类别的输入中，有 %1 个是原模型本身就在两个类别之间犹豫的输入；它们不计入失分。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="821"/>
        <source>More inputs would settle this verdict: it is close to the bar.</source>
        <translation>结论接近门槛：更多输入才能确定。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="825"/>
        <source>Checked on calibration images: too few were given to keep some apart, so other inputs may fare worse.</source>
        <translation>在校准图像上检查：提供的图像太少，无法留出一部分，因此其他输入的表现可能更差。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="834"/>
        <source>What failed: it does not run in its runtime here (%1).</source>
        <translation>失败原因：它无法在本机的对应运行时中运行（%1）。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="838"/>
        <source>What failed: its outputs have another shape than the original&apos;s.</source>
        <translation>失败原因：它的输出形状与原始模型不同。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="840"/>
        <source>What failed: accuracy on the Accuracy set fell from %1 to %2.</source>
        <translation>失败原因：在准确率数据集上的准确率从 %1 降到了 %2。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="844"/>
        <source>What failed: it picks the original&apos;s top class on only %1 of the inputs (%2 needed).</source>
        <translation>失败原因：只有 %1 的输入与原始模型的最高类别一致（需要 %2）。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="850"/>
        <source>What failed: its outputs differ from the original&apos;s more than allowed (similarity %1, at least %2 needed).</source>
        <translation>失败原因：它的输出与原始模型的差异超出允许范围（相似度 %1，至少需要 %2）。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="854"/>
        <source>What failed: its outputs differ from the original&apos;s more than allowed.</source>
        <translation>失败原因：它的输出与原始模型的差异超出允许范围。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="859"/>
        <source>Try: choose a Calibration folder with a few dozen real images instead of random inputs, then press Convert.</source>
        <translation>建议：在“校准数据”中选择一个包含几十张真实图像的文件夹来代替随机输入，然后点击“转换”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="863"/>
        <source>Try: set Quantization to “none (float32)” (or “dynamic int8”), then press Convert.</source>
        <translation>建议：将“量化”设为“不量化（float32）”（或“动态 int8”），然后点击“转换”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="866"/>
        <source>Try: choose another Capture (“trace” or “export”), then press Convert.</source>
        <translation>建议：换一种捕获方式（“trace”或“export”），然后点击“转换”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="869"/>
        <source>Try: tick another format under Targets (ExecuTorch or ONNX), and use the artifacts that pass.</source>
        <translation>建议：在“目标格式”中勾选其他格式（ExecuTorch 或 ONNX），并使用通过验证的产物。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="288"/>
        <source>Runtime</source>
        <translation>运行时</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="301"/>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="306"/>
        <source>Next: check compatibility →</source>
        <translation>下一步：检查兼容性 →</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="324"/>
        <source>Median time of one run in the artifact&apos;s runtime on this computer, measured while verifying. A phone&apos;s figure comes from the Latency tab.</source>
        <translation>在本机上用产物的运行时运行一次的时间中位数，于验证时测得。手机上的数据请在“延迟”页测量。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="354"/>
        <source>Choose a folder</source>
        <translation>选择文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="493"/>
        <source>the %1 format</source>
        <translation>%1 格式</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="495"/>
        <source>Capture “%1”</source>
        <translation>捕获方式“%1”</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="497"/>
        <source>Quantization “%1”</source>
        <translation>量化“%1”</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="502"/>
        <source>Not with %1: %2.</source>
        <translation>不能与 %1 同时使用：%2。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="509"/>
        <source>Open a model on the Model tab first.</source>
        <translation>请先在“模型”页打开一个模型。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="511"/>
        <source>Tick at least one format under Targets.</source>
        <translation>请在“目标格式”中至少勾选一种格式。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="516"/>
        <source>Static int8 needs calibration images: choose a Calibration folder, or tick “no data: calibrate on random inputs”.</source>
        <translation>静态 int8 需要校准图像：请在“校准数据”中选择文件夹，或勾选“没有数据：用随机输入校准”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="525"/>
        <source>Load a recipe</source>
        <translation>加载配方</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="533"/>
        <source>Save the recipe</source>
        <translation>保存配方</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="542"/>
        <source>The recipe could not be loaded</source>
        <translation>无法加载配方</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="564"/>
        <source>The recipe could not be saved</source>
        <translation>无法保存配方</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="567"/>
        <source>Recipe saved to %1</source>
        <translation>配方已保存到 %1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="577"/>
        <source>The recipe cannot be converted</source>
        <translation>无法按此配方转换</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="595"/>
        <source>Converting… you can keep working in the other tabs.</source>
        <translation>正在转换… 你可以继续在其他页面工作。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="602"/>
        <source>Done: %1</source>
        <translation>完成：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="617"/>
        <source>The conversion was cancelled.</source>
        <translation>转换已取消。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="619"/>
        <source>Failed.</source>
        <translation>失败。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="620"/>
        <source>The conversion failed: %1</source>
        <translation>转换失败：%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="621"/>
        <source>The conversion failed</source>
        <translation>转换失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="668"/>
        <source>Open a model that runs here on the Model tab first.</source>
        <translation>请先在“模型”页打开一个可在本机运行的模型。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="672"/>
        <source>Step 2: choose the file formats your app needs and press Convert. ExecuTorch (.pte) is the current runtime; PyTorch Lite (.ptl) is for older apps.</source>
        <translation>第 2 步：选择应用需要的文件格式，然后点击“转换”。ExecuTorch（.pte）是当前的运行时；PyTorch Lite（.ptl）用于较旧的应用。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="679"/>
        <source>Some artifacts failed verification: open their rows below to see what failed and what to change, then press Convert again.</source>
        <translation>部分产物未通过验证：展开下方对应的行，查看失败原因和需要更改的设置，然后再次点击“转换”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="685"/>
        <source>Converted. Next: check which phone runtimes can run the artifacts.</source>
        <translation>已转换。下一步：检查哪些手机运行时可以运行这些产物。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="708"/>
        <source>Calibrated on random inputs: int8 accuracy on real data may be lower. Choose a Calibration folder of real images for a better int8 model.</source>
        <translation>已用随机输入校准：int8 模型在真实数据上的准确率可能较低。在“校准数据”中选择真实图像文件夹，可得到更好的 int8 模型。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="731"/>
        <source>%1 ms here</source>
        <translation>本机 %1 ms</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="743"/>
        <source>Measured on this computer with %1, not on a phone.</source>
        <translation>在本机上用 %1 测得，而非在手机上。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="748"/>
        <source>%1 (failed verification)</source>
        <translation>%1（未通过验证）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="778"/>
        <source>cosine similarity</source>
        <translation>余弦相似度</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="786"/>
        <source>largest difference</source>
        <translation>最大差异</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="787"/>
        <source>same top class</source>
        <translation>最高类别一致</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="794"/>
        <source>accuracy before</source>
        <translation>转换前准确率</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="795"/>
        <source>accuracy after</source>
        <translation>转换后准确率</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="796"/>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/convert_tab.py" line="797"/>
        <source>inputs</source>
        <translation>输入</translation>
    </message>
</context>
<context>
    <name>Device</name>
    <message>
        <location filename="../../ui/widgets/names.py" line="10"/>
        <source> (virtual)</source>
        <translation> (虚拟)</translation>
    </message>
</context>
<context>
    <name>DevicesTab</name>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="120"/>
        <source>Step 4: connect a phone with USB debugging on, or over Wi-Fi, or start a virtual phone on this computer. Then push the artifacts to it.</source>
        <translation>第 4 步：通过 USB（开启 USB 调试）或 Wi-Fi 连接手机，或在本机启动一台虚拟手机。然后把产物推送过去。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="129"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="133"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="133"/>
        <source>Serial</source>
        <translation>序列号</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="133"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="133"/>
        <source>adb server</source>
        <translation>adb 服务器</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="147"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="148"/>
        <source>Look for devices again (F5)</source>
        <translation>重新查找设备（F5）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="153"/>
        <source>Stop virtual device</source>
        <translation>停止虚拟设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="160"/>
        <source>Add a device</source>
        <translation>添加设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="164"/>
        <source>phone address, e.g. 192.168.1.20:5555</source>
        <translation>手机地址，例如 192.168.1.20:5555</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="166"/>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="169"/>
        <source>Wi-Fi:</source>
        <translation>Wi-Fi：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="172"/>
        <source>a device lab&apos;s adb server, HOST:PORT</source>
        <translation>设备实验室的 adb 服务器，主机:端口</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="174"/>
        <source>Add server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="177"/>
        <source>Remote adb:</source>
        <translation>远程 adb：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="182"/>
        <source>Start virtual device</source>
        <translation>启动虚拟设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="185"/>
        <source>No phone?</source>
        <translation>没有手机？</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="192"/>
        <source>Push artifacts to the selected device</source>
        <translation>将产物推送到所选设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="196"/>
        <source>Push</source>
        <translation>推送</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="208"/>
        <source>Next: measure latency →</source>
        <translation>下一步：测量延迟 →</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="327"/>
        <source>No device found. Plug in a phone with USB debugging on (Settings → Developer options), connect one over Wi-Fi, or start a virtual device.</source>
        <translation>未找到设备。请插入已开启 USB 调试的手机（设置 → 开发者选项），或通过 Wi-Fi 连接，或启动一台虚拟设备。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="349"/>
        <source>Select a device to see what it is.</source>
        <translation>选择一台设备以查看其信息。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="352"/>
        <source>This device cannot be used yet — %1</source>
        <translation>此设备暂时无法使用 —— %1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="367"/>
        <source>Type the phone&apos;s address first</source>
        <translation>请先输入手机地址</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="368"/>
        <source>It is shown under Wireless debugging on the phone.</source>
        <translation>地址显示在手机的“无线调试”中。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="377"/>
        <source>The phone could not be connected</source>
        <translation>无法连接手机</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="387"/>
        <source>Type the adb server&apos;s address first</source>
        <translation>请先输入 adb 服务器地址</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="388"/>
        <source>For example lab-pc.local:5037</source>
        <translation>例如 lab-pc.local:5037</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="397"/>
        <source>Not an adb server address</source>
        <translation>不是有效的 adb 服务器地址</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="410"/>
        <source>Starting a virtual %1…</source>
        <translation>正在启动虚拟 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="414"/>
        <source>The virtual device did not start</source>
        <translation>虚拟设备未能启动</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="422"/>
        <source>A virtual phone runs as %1. Push an artifact to it, then measure latency.</source>
        <translation>虚拟手机已运行，序列号 %1。向它推送产物，然后测量延迟。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="481"/>
        <source>Select a connected device first</source>
        <translation>请先选择一台已连接的设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="484"/>
        <source>Tick at least one artifact to push</source>
        <translation>请至少勾选一个要推送的产物</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="496"/>
        <source>Push an artifact that failed verification?</source>
        <translation>推送未通过验证的产物？</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="498"/>
        <source>%1 failed verification: an app using it would give wrong results.</source>
        <translation>%1 未通过验证：使用它的应用会得出错误的结果。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="505"/>
        <source>Or untick it in the list and press Push.</source>
        <translation>或者在列表中取消勾选它，然后点击“推送”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="507"/>
        <source>Push anyway</source>
        <translation>仍然推送</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="530"/>
        <source>Pushed and verified.</source>
        <translation>已推送并验证。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="532"/>
        <source>✔ %1 → %2 (SHA-256 %3… matches, %4 MB/s)</source>
        <translation>✔ %1 → %2（SHA-256 %3… 一致，%4 MB/s）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="543"/>
        <source>Cancelled; nothing half-copied was left on the phone.</source>
        <translation>已取消；手机上没有留下复制了一半的文件。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="545"/>
        <source>The push failed.</source>
        <translation>推送失败。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/devices_tab.py" line="546"/>
        <source>The push failed</source>
        <translation>推送失败</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/widgets/errors.py" line="91"/>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="102"/>
        <source>Unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="122"/>
        <source>Log file: %1</source>
        <translation>日志文件：%1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="132"/>
        <location filename="../../ui/widgets/errors.py" line="142"/>
        <source>Show details</source>
        <translation>显示详情</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="142"/>
        <source>Hide details</source>
        <translation>隐藏详情</translation>
    </message>
</context>
<context>
    <name>ErrorHints</name>
    <message>
        <location filename="../../ui/widgets/errors.py" line="34"/>
        <source>Open it only if it comes from someone you trust; Model Studio asks before it runs the file&apos;s code. Safer: ask for a state dict or .safetensors file.</source>
        <translation>仅当它来自你信任的人时才打开；Model Studio 会在运行文件中的代码前询问你。更安全的做法：索取 state dict 或 .safetensors 文件。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="39"/>
        <source>Type the architecture in the Architecture field on the Model tab (a torchvision name such as resnet18, or package.module:factory), or leave it empty to detect it.</source>
        <translation>在“模型”页的“架构”字段中输入架构（torchvision 名称，例如 resnet18，或 package.module:factory），或留空以自动检测。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="44"/>
        <source>Check the Architecture field and the Arguments fields on the Model tab.</source>
        <translation>请检查“模型”页上的“架构”字段和“参数”字段。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="48"/>
        <source>Type the model&apos;s input shape in the Input shape field on the Model tab, for example 1,3,224,224.</source>
        <translation>在“模型”页的“输入形状”字段中输入模型的输入形状，例如 1,3,224,224。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="53"/>
        <source>Choose “static int8 (calibrated)” under Quantization on the Convert tab, or clear the Calibration field.</source>
        <translation>在“转换”页的“量化”中选择“静态 int8（需校准）”，或清空“校准数据”字段。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="58"/>
        <source>Choose another Output folder on the Convert tab and convert again.</source>
        <translation>在“转换”页选择其他输出文件夹，然后重新转换。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="61"/>
        <source>Open the model on the Model tab first, then save the recipe again on the Convert tab.</source>
        <translation>请先在“模型”页打开模型，然后在“转换”页重新保存配方。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="65"/>
        <source>Convert it on the Convert tab first.</source>
        <translation>请先在“转换”页转换它。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="66"/>
        <source>Benchmark on a virtual device: press Start virtual device on the Devices tab.</source>
        <translation>在虚拟设备上测试：在“设备”页点击“启动虚拟设备”。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/errors.py" line="70"/>
        <source>Check the cable, then press Refresh on the Devices tab to see the connected phones.</source>
        <translation>请检查数据线，然后在“设备”页点击“刷新”查看已连接的手机。</translation>
    </message>
</context>
<context>
    <name>InputsEditor</name>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="53"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="53"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="53"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="67"/>
        <source>One row per input of the model, in the order its forward takes them. Shape: the size of each dimension, batch first, like 1,3,224,224 for one colour image or 1,128 for 128 tokens. Type: float32 for images and audio, int64 for token ids and attention masks.</source>
        <translation>模型的每个输入占一行，顺序与其 forward 的参数顺序一致。形状：各维度的大小，批次在前，例如一张彩色图像为 1,3,224,224，128 个词元为 1,128。类型：图像和音频用 float32，词元 ID 和注意力掩码用 int64。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="75"/>
        <source>Add input</source>
        <translation>添加输入</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="76"/>
        <source>Add a row for another input of the model</source>
        <translation>为模型的另一个输入添加一行</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="79"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="80"/>
        <source>Remove the selected input</source>
        <translation>删除所选输入</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="123"/>
        <source>from the model</source>
        <translation>取自模型</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="124"/>
        <source>The input&apos;s name; left empty, it is taken from the model.</source>
        <translation>输入的名称；留空则取自模型。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="126"/>
        <source>e.g. 1,3,224,224</source>
        <translation>例如 1,3,224,224</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="127"/>
        <source>The size of each dimension, batch first, separated by commas</source>
        <translation>各维度的大小，批次在前，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="133"/>
        <source>The input&apos;s data type: float32 for images and audio, int64 for token ids and attention masks</source>
        <translation>输入的数据类型：图像和音频用 float32，词元 ID 和注意力掩码用 int64</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="170"/>
        <source>The inputs you gave.</source>
        <translation>您给出的输入。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="171"/>
        <source>Filled in from what the model file records.</source>
        <translation>根据模型文件记录的信息填写。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="173"/>
        <source>Filled in from the architecture&apos;s usual input (the built-in catalogue).</source>
        <translation>根据该架构的常用输入填写（内置目录）。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="176"/>
        <source>Guessed from the model&apos;s code (its forward&apos;s parameters and embedding tables): check the shapes, then press Open to describe the model with them.</source>
        <translation>根据模型代码（其 forward 的参数和嵌入表）推测：请检查形状，然后按“打开”用它们描述模型。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="180"/>
        <source>Nothing in the file says its input: this is the usual image input. Change it if the model takes another, then press Open.</source>
        <translation>文件中没有说明其输入：这是常用的图像输入。如果模型需要其他输入，请修改后按“打开”。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="184"/>
        <source>Filled in from the model when it opens; or give each input&apos;s name, shape and type here before pressing Open.</source>
        <translation>模型打开时自动填写；也可以在按“打开”之前在这里给出每个输入的名称、形状和类型。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="193"/>
        <source>Changed: press Open to describe the model with these inputs.</source>
        <translation>已修改：按“打开”用这些输入描述模型。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="219"/>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="219"/>
        <source>shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="219"/>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/inputs_editor.py" line="231"/>
        <source>Input %1, %2: %3</source>
        <translation>输入 %1，%2：%3</translation>
    </message>
</context>
<context>
    <name>LatencyPlots</name>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="28"/>
        <source>Latency per inference</source>
        <translation>每次推理的延迟</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="30"/>
        <location filename="../../ui/widgets/latency_plots.py" line="37"/>
        <location filename="../../ui/widgets/latency_plots.py" line="41"/>
        <source>latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="31"/>
        <source>inference</source>
        <translation>推理序号</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="36"/>
        <location filename="../../ui/widgets/latency_plots.py" line="124"/>
        <source>Histogram</source>
        <translation>直方图</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="38"/>
        <source>count</source>
        <translation>次数</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="40"/>
        <source>CDF (all runs)</source>
        <translation>CDF（所有运行）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="42"/>
        <source>fraction</source>
        <translation>比例</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="144"/>
        <source>above %1 %2: %3 samples</source>
        <translation>高于 %1 %2：%3 个样本</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="158"/>
        <source>Histogram: %1</source>
        <translation>直方图：%1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/latency_plots.py" line="170"/>
        <source>budget %1</source>
        <translation>预算 %1</translation>
    </message>
</context>
<context>
    <name>LatencyTab</name>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="89"/>
        <source>Step 5: choose devices and artifacts, then Start. Several runs overlay in the CDF, so fp32 against int8 or one phone against another is one glance.</source>
        <translation>第 5 步：选择设备和产物，然后点击“开始”。多次运行会叠加在 CDF 图中，fp32 与 int8、或两台手机之间的对比一目了然。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="135"/>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="141"/>
        <source>Artifacts</source>
        <translation>产物</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="146"/>
        <source>Run them together</source>
        <translation>同时运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="149"/>
        <source>Run the ticked artifacts at the same time on one device, each alone first, to see how much each slows down beside the others</source>
        <translation>在一台设备上同时运行勾选的产物（先逐个单独运行），查看每个模型与其他模型并行时变慢多少</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="156"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="161"/>
        <source>auto (by file type)</source>
        <translation>自动（按文件类型）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="162"/>
        <source>Runtime:</source>
        <translation>运行时：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="165"/>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="166"/>
        <source>Threads:</source>
        <translation>线程数：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="170"/>
        <source>Warm-up runs:</source>
        <translation>预热次数：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="171"/>
        <source>Iterations:</source>
        <translation>迭代次数：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="172"/>
        <source>Duration (s):</source>
        <translation>时长（秒）：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="186"/>
        <source>e.g. p90=30ms, mean=10ms</source>
        <translation>例如 p90=30ms, mean=10ms</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="187"/>
        <location filename="../../ui/tabs/latency_tab.py" line="219"/>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="188"/>
        <source>Verify outputs on the device</source>
        <translation>在设备上验证输出</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="191"/>
        <source>After the run, the device also computes the conversion&apos;s verification inputs and its outputs are compared with the computer&apos;s (report.json and verification.npz beside the artifact)</source>
        <translation>运行之后，设备还会计算转换时的验证输入，并将其输出与电脑上的输出比较（使用产物旁的 report.json 和 verification.npz）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="200"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="203"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="204"/>
        <source>End the runs measuring now; queued runs go on</source>
        <translation>结束正在测量的运行；排队的运行会继续</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="207"/>
        <source>Stop all</source>
        <translation>全部停止</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="208"/>
        <source>End the runs measuring now and the queued ones</source>
        <translation>结束正在测量的运行以及排队的运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="211"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="238"/>
        <source>PNG…</source>
        <translation>PNG…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="240"/>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="242"/>
        <source>JSON…</source>
        <translation>JSON…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="245"/>
        <source>Export:</source>
        <translation>导出：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="263"/>
        <source>mean</source>
        <translation>平均</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="264"/>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="265"/>
        <source>p90</source>
        <translation>p90</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="266"/>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="267"/>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="268"/>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="271"/>
        <source>per s</source>
        <translation>每秒</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="396"/>
        <source>Tick at least two artifacts to run them together</source>
        <translation>请至少勾选两个产物才能同时运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="399"/>
        <source>Artifacts run together on one device: tick only one</source>
        <translation>同时运行的产物只能在一台设备上运行：请只勾选一台设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="400"/>
        <source>Start them on each device in turn to compare devices.</source>
        <translation>如需比较设备，请在每台设备上依次启动。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="470"/>
        <source>%1: p50 %2 %4, p90 %3 %4 over %5 runs</source>
        <translation>%1：p50 %2 %4，p90 %3 %4，共 %5 次运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="259"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="259"/>
        <source>Runtime</source>
        <translation>运行时</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="259"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="259"/>
        <source>samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="271"/>
        <source>Budget</source>
        <translation>预算</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="389"/>
        <source>Tick at least one device</source>
        <translation>请至少勾选一台设备</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="390"/>
        <source>Connect or start one on the Devices tab.</source>
        <translation>请在“设备”页连接或启动一台设备。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="393"/>
        <source>Tick at least one artifact</source>
        <translation>请至少勾选一个产物</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="404"/>
        <source>The benchmark cannot start</source>
        <translation>无法开始测试</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="422"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="433"/>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="464"/>
        <source>The benchmark on %1 failed</source>
        <translation>%1 上的测试失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="570"/>
        <source>%1: p50 %2 %4 alone, %3 %4 together (%5× slower)</source>
        <translation>%1：单独运行 p50 %2 %4，同时运行 %3 %4（慢 %5 倍）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="587"/>
        <source>%1: outputs on the device %2 (cosine %3, top-1 %4, max error %5, %6 samples)</source>
        <translation>%1：设备上的输出%2（余弦 %3，top-1 %4，最大误差 %5，%6 个样本）</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="589"/>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="589"/>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="589"/>
        <source>FAIL</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="601"/>
        <source>memory %1 MB</source>
        <translation>内存 %1 MB</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="603"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="603"/>
        <source>battery</source>
        <translation>电池</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="613"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="636"/>
        <source>The picture could not be written to %1</source>
        <translation>无法将图片写入 %1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="643"/>
        <source>No finished run to export yet</source>
        <translation>还没有可导出的已完成运行</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="646"/>
        <source>The export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/latency_tab.py" line="648"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="63"/>
        <source>Model Studio</source>
        <translation>Model Studio</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="83"/>
        <source>1 · Model</source>
        <translation>1 · 模型</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="84"/>
        <source>2 · Convert</source>
        <translation>2 · 转换</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="85"/>
        <source>3 · Compatibility</source>
        <translation>3 · 兼容性</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="86"/>
        <source>4 · Devices</source>
        <translation>4 · 设备</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="87"/>
        <source>5 · Latency</source>
        <translation>5 · 延迟</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="92"/>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="141"/>
        <source>&lt;b&gt;Welcome to Model Studio.&lt;/b&gt; New here? Try the whole flow with the bundled sample model (it reads handwritten digits) and a virtual phone on this computer.</source>
        <translation>&lt;b&gt;欢迎使用 Model Studio。&lt;/b&gt;第一次使用？用自带的示例模型（识别手写数字）和本机上的虚拟手机体验完整流程。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="147"/>
        <source>Try it with the sample</source>
        <translation>用示例体验</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="150"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="157"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="158"/>
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>Open the &amp;sample model</source>
        <translation>打开示例模型(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="165"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="168"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="173"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="180"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="190"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="191"/>
        <source>&amp;About Model Studio</source>
        <translation>关于 Model Studio(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="283"/>
        <source>(none yet)</source>
        <translation>（暂无）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="298"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="299"/>
        <source>The language changes when Model Studio starts next time.</source>
        <translation>语言将在下次启动 Model Studio 时生效。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="307"/>
        <source>About Model Studio</source>
        <translation>关于 Model Studio</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="308"/>
        <source>&lt;b&gt;Model Studio %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;Model Studio %1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="309"/>
        <source>Asking the worker for the toolchain versions…</source>
        <translation>正在向工作进程查询工具链版本…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="334"/>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="336"/>
        <source>No model</source>
        <translation>无模型</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="342"/>
        <source>Artifacts: %1</source>
        <translation>产物：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="345"/>
        <source>No artifacts</source>
        <translation>无产物</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="348"/>
        <source>Devices: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="350"/>
        <source>No device</source>
        <translation>无设备</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="356"/>
        <source>Open a model that runs here first (Model tab).</source>
        <translation>请先打开一个可在本机运行的模型（“模型”页）。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="357"/>
        <source>Convert the model first (Convert tab).</source>
        <translation>请先转换模型（“转换”页）。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="358"/>
        <source>Needs an artifact and a connected device.</source>
        <translation>需要一个产物和一台已连接的设备。</translation>
    </message>
</context>
<context>
    <name>ModelTab</name>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="95"/>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="101"/>
        <source>A checkpoint, state dict, safetensors, TorchScript, .pt2, ONNX, .pte or .ptl file</source>
        <translation>检查点、state dict、safetensors、TorchScript、.pt2、ONNX、.pte 或 .ptl 文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="106"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="109"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="113"/>
        <source>Open the sample model</source>
        <translation>打开示例模型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="122"/>
        <source>detected when empty; e.g. resnet18, or package.module:factory, or file.py:Class</source>
        <translation>留空则自动检测；例如 resnet18、package.module:factory 或 file.py:Class</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="125"/>
        <source>Architecture:</source>
        <translation>架构：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="128"/>
        <source>positional, JSON list: [10]</source>
        <translation>位置参数，JSON 列表：[10]</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="130"/>
        <source>keyword, JSON object: {&quot;num_classes&quot;: 10}</source>
        <translation>关键字参数，JSON 对象：{&quot;num_classes&quot;: 10}</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="133"/>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="136"/>
        <source>Inputs:</source>
        <translation>输入：</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="139"/>
        <source>What the model takes: one row per input with its name, shape and data type. Most image models take one input, 1,3,224,224 float32; text models take token ids and an attention mask, int64.</source>
        <translation>模型接受的输入：每个输入一行，包括名称、形状和数据类型。大多数图像模型只有一个输入，1,3,224,224 float32；文本模型接受词元 ID 和注意力掩码，int64。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="155"/>
        <location filename="../../ui/tabs/model_tab.py" line="591"/>
        <source>Which architecture is it?</source>
        <translation>这是哪种架构？</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="159"/>
        <location filename="../../ui/tabs/model_tab.py" line="594"/>
        <source>This file holds weights only. These architectures fit them best; pick one and press Use this architecture, or type it in the Architecture field above.</source>
        <translation>此文件只包含权重。以下架构与之最匹配；选择一个并点击“使用此架构”，或在上方的“架构”字段中输入。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="166"/>
        <location filename="../../ui/tabs/model_tab.py" line="191"/>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="166"/>
        <source>Score</source>
        <translation>匹配度</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="166"/>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="172"/>
        <location filename="../../ui/tabs/model_tab.py" line="442"/>
        <source>Show the candidates</source>
        <translation>显示候选架构</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="177"/>
        <source>Use this architecture</source>
        <translation>使用此架构</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="186"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="190"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="192"/>
        <location filename="../../ui/tabs/model_tab.py" line="211"/>
        <location filename="../../ui/tabs/model_tab.py" line="576"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="193"/>
        <source>Size on disk</source>
        <translation>磁盘大小</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="194"/>
        <source>Size in memory</source>
        <translation>内存大小</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="195"/>
        <source>FLOPs</source>
        <translation>FLOPs</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="196"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="197"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="198"/>
        <source>Classes</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="211"/>
        <location filename="../../ui/tabs/model_tab.py" line="576"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="211"/>
        <location filename="../../ui/tabs/model_tab.py" line="576"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="213"/>
        <location filename="../../ui/tabs/model_tab.py" line="570"/>
        <source>Layer type</source>
        <translation>层类型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="213"/>
        <location filename="../../ui/tabs/model_tab.py" line="570"/>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="218"/>
        <source>Try it</source>
        <translation>试一试</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="219"/>
        <location filename="../../ui/tabs/model_tab.py" line="623"/>
        <source>Pick an image to see what the model makes of it.</source>
        <translation>选择一张图片，看看模型如何识别它。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="224"/>
        <source>an image file</source>
        <translation>图片文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="227"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="230"/>
        <source>Classify</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="238"/>
        <source>Class</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="238"/>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="248"/>
        <source>Next: convert it →</source>
        <translation>下一步：转换 →</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="257"/>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="273"/>
        <source>No model file is chosen</source>
        <translation>尚未选择模型文件</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="274"/>
        <source>Browse for a file, or open the sample model.</source>
        <translation>请浏览选择文件，或打开示例模型。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="292"/>
        <source>a JSON list</source>
        <translation>JSON 列表</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="292"/>
        <source>a JSON object</source>
        <translation>JSON 对象</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="295"/>
        <source>The architecture arguments are not %1</source>
        <translation>架构参数不是%1</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="296"/>
        <source>Write them like [10] or {&quot;num_classes&quot;: 10}.</source>
        <translation>请写成 [10] 或 {&quot;num_classes&quot;: 10} 的形式。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="307"/>
        <source>Correct the marked cell in the Inputs table.</source>
        <translation>请修正“输入”表中标出的单元格。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="366"/>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="394"/>
        <source>The model could not be opened</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="399"/>
        <source>Run code from this file?</source>
        <translation>运行此文件中的代码？</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="402"/>
        <source>Opening %1 runs Python code stored in it.</source>
        <translation>打开 %1 会运行其中保存的 Python 代码。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="405"/>
        <source>Opening %1 runs the Python code in %2, the architecture you gave.</source>
        <translation>打开 %1 会运行 %2（你指定的架构）中的 Python 代码。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="412"/>
        <source>Pickled models and .py architecture files can do anything a program on this computer can: read your files, install software, send data away. Open it only if it comes from someone you trust, such as your own team.

Safer: ask for a state dict or .safetensors file, which holds numbers only.</source>
        <translation>pickle 模型和 .py 架构文件可以做本机任何程序能做的事：读取你的文件、安装软件、向外发送数据。仅当它来自你信任的人（例如你自己的团队）时才打开。

更安全的做法：索取只包含数值的 state dict 或 .safetensors 文件。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="420"/>
        <source>I trust it, open it</source>
        <translation>我信任它，打开</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="430"/>
        <source>Not opened: you did not confirm that you trust the file.</source>
        <translation>未打开：你没有确认信任此文件。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="442"/>
        <source>Hide the candidates</source>
        <translation>隐藏候选架构</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="461"/>
        <source>Choose an image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="470"/>
        <source>Open a runnable model first</source>
        <translation>请先打开一个可运行的模型</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="473"/>
        <source>Choose an image first</source>
        <translation>请先选择图片</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="509"/>
        <source>Try it failed</source>
        <translation>试用失败</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="524"/>
        <source>Step 1: open a model — a checkpoint from training, a state dict, or a converted file. No model at hand? Open the sample model.</source>
        <translation>第 1 步：打开一个模型 —— 训练得到的检查点、state dict 或已转换的文件。手头没有模型？打开示例模型。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="543"/>
        <location filename="../../ui/tabs/model_tab.py" line="546"/>
        <location filename="../../ui/tabs/model_tab.py" line="550"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="555"/>
        <source>1000 ImageNet classes</source>
        <translation>1000 个 ImageNet 类别</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="570"/>
        <source>Operator</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="599"/>
        <source>Detected architecture</source>
        <translation>检测到的架构</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="603"/>
        <source>The weights fit %1 best (%2). To open the file as another architecture, show the candidates, pick one and press Use.</source>
        <translation>这些权重与 %1 最匹配（%2）。如需按其他架构打开此文件，请显示候选架构，选择一个并点击“使用”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="625"/>
        <source>%1 is open. Next: convert it for a phone on the Convert tab.</source>
        <translation>已打开 %1。下一步：在“转换”页将其转换为手机可用的格式。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="628"/>
        <source>%1 is described below. It is already converted: check it on the Compatibility tab, push it from the Devices tab and measure it on the Latency tab.</source>
        <translation>下方是 %1 的信息。它已经转换过：可在“兼容性”页检查，在“设备”页推送，在“延迟”页测量。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="633"/>
        <source>Try it runs the PyTorch model on this computer, and %1 is a converted file. To try the model, open the file it was converted from.</source>
        <translation>“试一试”在本机上运行 PyTorch 模型，而 %1 是已转换的文件。要试用模型，请打开转换前的原始文件。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="637"/>
        <source>%1 holds weights only: choose its architecture below.</source>
        <translation>%1 只包含权重：请在下方选择其架构。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="639"/>
        <source>Try it needs the model&apos;s architecture: pick one of the candidates and press Use this architecture, or type it in the Architecture field above.</source>
        <translation>“试一试”需要模型的架构：选择一个候选架构并点击“使用此架构”，或在上方的“架构”字段中输入。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="644"/>
        <source>%1 holds weights only, and no architecture Model Studio knows fits them. Type the model&apos;s architecture in the Architecture field: the .py file that defines it and its class, like my_net.py:MyNet. Then press Open.</source>
        <translation>%1 只包含权重，且 Model Studio 已知的架构都与之不匹配。请在“架构”字段中输入模型的架构：定义它的 .py 文件及其类，例如 my_net.py:MyNet。然后点击“打开”。</translation>
    </message>
    <message>
        <location filename="../../ui/tabs/model_tab.py" line="649"/>
        <source>Try it needs the model&apos;s architecture. Type it in the Architecture field above (a .py file and its class, like my_net.py:MyNet) and press Open.</source>
        <translation>“试一试”需要模型的架构。请在上方的“架构”字段中输入（.py 文件及其类，例如 my_net.py:MyNet），然后点击“打开”。</translation>
    </message>
</context>
<context>
    <name>ProgressPanel</name>
    <message>
        <location filename="../../ui/widgets/progress.py" line="56"/>
        <source>Overall</source>
        <translation>总进度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="87"/>
        <location filename="../../ui/widgets/progress.py" line="105"/>
        <location filename="../../ui/widgets/progress.py" line="124"/>
        <location filename="../../ui/widgets/progress.py" line="195"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="106"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="162"/>
        <source>Step %1 of %2: %3</source>
        <translation>第 %1 步，共 %2 步：%3</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="181"/>
        <source>about %1 s left</source>
        <translation>剩余约 %1 秒</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="184"/>
        <source>about %1 min left</source>
        <translation>剩余约 %1 分钟</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/progress.py" line="200"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>SensitivityPanel</name>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="35"/>
        <source>Layer sensitivity</source>
        <translation>层敏感度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="58"/>
        <source>Layer group</source>
        <translation>层组</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="59"/>
        <source>SQNR (dB)</source>
        <translation>SQNR（dB）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="60"/>
        <source>Similarity</source>
        <translation>相似度</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="61"/>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="62"/>
        <source>Kept in float</source>
        <translation>保留浮点</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="66"/>
        <source>A part of the network, by its name in the model.</source>
        <translation>网络的一部分，以其在模型中的名称表示。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="68"/>
        <source>Signal-to-quantization-noise ratio of the output with only this group in int8: higher is closer to the original; every 10 dB is ten times less noise.</source>
        <translation>仅此层组使用 int8 时输出的信号量化噪声比：越高越接近原模型；每高 10 dB，噪声少十倍。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="71"/>
        <source>Mean cosine similarity of the outputs with the original&apos;s (1 = the same).</source>
        <translation>输出与原模型输出的平均余弦相似度（1 表示相同）。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="72"/>
        <source>How many weights the group holds.</source>
        <translation>该层组包含的权重个数。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="73"/>
        <source>Whether the group stays in float32 in the int8 artifacts.</source>
        <translation>该层组在 int8 产物中是否保留为 float32。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="95"/>
        <source>SQNR</source>
        <translation>SQNR</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="142"/>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="217"/>
        <source>identical</source>
        <translation>完全相同</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="145"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="204"/>
        <source>%1 in int8 &amp;nbsp; %2 kept in float &amp;nbsp; dashed line: every group in int8</source>
        <translation>%1 int8 &amp;nbsp; %2 保留浮点 &amp;nbsp; 虚线：所有层组都用 int8</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="209"/>
        <source> &amp;nbsp; (chart: the %1 most sensitive of %2)</source>
        <translation> &amp;nbsp;（图表：%2 个中最敏感的 %1 个）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="220"/>
        <source>Each layer group in int8 alone, the rest in float, compared with the original on %1 inputs (%2 s): the higher the output&apos;s SQNR, the closer to the original. Every group in int8: %3.</source>
        <translation>每次只让一个层组使用 int8、其余保持浮点，在 %1 个输入上与原模型比较（%2 秒）：输出的 SQNR 越高，越接近原模型。所有层组都用 int8：%3。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="231"/>
        <source>Float fallback: verification passes with every layer in int8.</source>
        <translation>浮点回退：所有层都用 int8 即可通过验证。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="234"/>
        <source>Float fallback: verification passes with %1 of %2 layer groups in float.</source>
        <translation>浮点回退：%2 个层组中保留 %1 个为浮点即可通过验证。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="238"/>
        <source>Float fallback: verification does not pass however many layer groups stay in float; the closest try, %1 of %2 groups in float, is used.</source>
        <translation>浮点回退：无论保留多少层组为浮点都无法通过验证；采用最接近的一次尝试，即 %2 个层组中保留 %1 个为浮点。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="242"/>
        <source>Trials: %1.</source>
        <translation>尝试次数：%1。</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/sensitivity_panel.py" line="246"/>
        <source>Kept in float: %1.</source>
        <translation>保留浮点：%1。</translation>
    </message>
</context>
<context>
    <name>TelemetryPlot</name>
    <message>
        <location filename="../../ui/widgets/telemetry_plot.py" line="37"/>
        <source>inference</source>
        <translation>推理序号</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/telemetry_plot.py" line="97"/>
        <source>Temperature and CPU frequency (during a run)</source>
        <translation>温度与 CPU 频率（运行期间）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/telemetry_plot.py" line="99"/>
        <source>Temperature and CPU frequency: %1</source>
        <translation>温度与 CPU 频率：%1</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/telemetry_plot.py" line="101"/>
        <source>(simulated from the device&apos;s profile)</source>
        <translation>（按设备配置模拟）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/telemetry_plot.py" line="121"/>
        <source>%1 cores</source>
        <translation>%1 核心</translation>
    </message>
</context>
<context>
    <name>WorkerClient</name>
    <message>
        <location filename="../../ui/worker_client.py" line="145"/>
        <source>The worker process could not be started: %1</source>
        <translation>无法启动工作进程：%1</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="158"/>
        <source>The model work ended unexpectedly (exit code %1) and was restarted.</source>
        <translation>模型处理意外结束（退出代码 %1），已重新启动。</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="159"/>
        <source>A native library may have crashed on this model.</source>
        <translation>某个原生库可能在处理此模型时崩溃了。</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="163"/>
        <source>The worker process cannot start; model work is unavailable.</source>
        <translation>工作进程无法启动；模型相关功能不可用。</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="200"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="221"/>
        <source>The model work stopped responding and was restarted.</source>
        <translation>模型处理停止响应，已重新启动。</translation>
    </message>
    <message>
        <location filename="../../ui/worker_client.py" line="223"/>
        <source>The job that was running was stopped. Try it again; if it hangs again, try another target or capture method.</source>
        <translation>正在运行的任务已停止。请重试；如果再次卡住，请尝试其他目标格式或捕获方式。</translation>
    </message>
</context>
<context>
    <name>badges</name>
    <message>
        <location filename="../../ui/widgets/badges.py" line="25"/>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="26"/>
        <source>warn</source>
        <translation>警告</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="27"/>
        <source>fail</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="28"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="29"/>
        <source>fallback</source>
        <translation>回退</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="30"/>
        <source>supported</source>
        <translation>支持</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="31"/>
        <source>delegated</source>
        <translation>已委托</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="32"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/badges.py" line="33"/>
        <source>unverified</source>
        <translation>未验证</translation>
    </message>
</context>
</TS>
